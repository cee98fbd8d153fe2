"""What an adversarial trial of `cimsig serve` found (issue 28b): redirects, cookies, the day
'today' is, the main progress file beside districts, undo after a change meanwhile, a file that
cannot be saved or read, error pages, the framework's own pages, and wording."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest

from cimsig.storage.store import StateFile
from cimsig.web import ServeSettings, create_app
from tests.web.conftest import BASE, PORT, csrf_of
from tests.web.test_pages import first_activity, post

# -- 1. where a form goes back to


@pytest.mark.parametrize(
    "back",
    ["/\t/evil.example", "/\n/x", "//evil.example", "/\\evil.example", "\\/evil.example",
     "http://evil.example/", "/ /evil.example", "/\r\n/evil.example", "javascript:alert(1)",
     " //evil.example", "/\x00/evil.example", "/\u3000/evil.example"],
)  # fmt: skip
def test_back_never_leaves_this_server(client: Any, back: str) -> None:
    response = post(client, "/me", {"me": "Ana", "back": back})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//"), location
    assert "evil" not in location and "\\" not in location


def test_a_change_with_a_broken_back_is_saved_and_says_so(client: Any, state_path: Path) -> None:
    target = first_activity(client)
    response = post(client, f"/activity/{target}/note", {"text": "Kept", "back": "/\n/x"},
                    f"/activity/{target}")  # fmt: skip
    assert response.status_code == 303
    assert [n.text for n in StateFile(state_path).read().notes[target]] == ["Kept"]
    shown = client.get(response.headers["Location"], base_url=BASE).text
    assert "Added a note" in shown and "half-written" not in shown


def test_safe_back_keeps_a_page_of_this_server() -> None:
    from cimsig.web import safe_back

    assert safe_back("/activity/step1-x?district=A") == "/activity/step1-x?district=A"
    assert safe_back("/\t/evil.example") is None and safe_back("") is None


# -- 3. two servers on one computer


def test_the_session_cookie_is_named_for_the_port() -> None:
    browsers = []
    for port in (PORT, PORT + 1):
        settings = ServeSettings(port)
        client = create_app(settings).test_client()
        client.environ_base["HTTP_HOST"] = f"127.0.0.1:{port}"
        response = client.get(f"/?key={settings.key}", base_url=f"http://127.0.0.1:{port}")
        assert response.headers["Set-Cookie"].startswith(f"cimsig_session_{port}=")
        browsers.append(client)


# -- 4. 'today' is the guide's today


def test_a_typed_today_is_the_guides_today(
    client: Any, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 23:44 in Los Angeles on Oct 1 is Oct 2 in UTC: the guide's today is Oct 1.
    late = dt.datetime(2024, 10, 2, 6, 44, tzinfo=dt.timezone.utc)
    import cimsig.environment as environment

    real = environment.today_in
    monkeypatch.setattr(environment, "today_in", lambda zone, now=None: real(zone, now or late))
    target = first_activity(client)
    response = post(client, f"/activity/{target}/done", {"on": "today"}, f"/activity/{target}")
    assert response.status_code == 303, response.text
    assert StateFile(state_path).read().done[target].on == dt.date(2024, 10, 1)


# -- 5. the main progress file beside districts


def test_the_main_plan_is_listed_beside_the_districts(client: Any, cli: Any) -> None:
    target = first_activity(client)
    post(client, f"/activity/{target}/note", {"text": "main file"}, f"/activity/{target}")
    assert cli("district", "add", "Alpha USD").exit_code == 0
    home = client.get("/", base_url=BASE).text
    assert "Alpha USD" in home and "(the main progress file)" in home
    main = client.get("/?main=1", base_url=BASE).text
    assert "Progress by step" in main
    history = client.get("/history", base_url=BASE).text
    assert "main file" in history or "Added a note" in history
    assert 'href="/?main=1">Weekly check-in' in history


def test_serve_state_file_serves_that_plan_even_with_districts(cli: Any, tmp_path: Path) -> None:
    assert cli("district", "add", "Alpha USD").exit_code == 0
    settings = ServeSettings(PORT, state=tmp_path / "mine.yaml")
    client = create_app(settings).test_client()
    client.environ_base["HTTP_HOST"] = f"127.0.0.1:{PORT}"
    client.get(f"/?key={settings.key}", base_url=BASE)
    home = client.get("/", base_url=BASE).text
    assert "Progress by step" in home


# -- 6. undo after a change made meanwhile


def test_undo_after_a_change_in_the_terminal_shows_history_again(
    client: Any, cli: Any, state_path: Path
) -> None:
    target = first_activity(client)
    post(client, f"/activity/{target}/note", {"text": "first"}, f"/activity/{target}")
    history = client.get("/history", base_url=BASE).text
    uids = re.findall(r'name="uid" value="([^"]+)"', history)
    assert uids
    assert cli("note", target, "from the terminal").exit_code == 0
    response = client.post("/undo", data={"uid": uids, "csrf": csrf_of(history)}, base_url=BASE)
    assert response.status_code == 400
    assert "Someone changed the plan since you opened this page" in response.text
    assert "Undo will take back" in response.text and "cannot be read" not in response.text
    notes = [n.text for n in StateFile(state_path).read().notes[target]]
    assert notes == ["first", "from the terminal"]


# -- 7. a progress file that cannot be saved


def test_a_read_only_file_gives_the_form_back_with_the_typed_note(
    client: Any, state_path: Path
) -> None:
    target = first_activity(client)
    post(client, f"/activity/{target}/note", {"text": "first"}, f"/activity/{target}")
    before = state_path.read_bytes()
    state_path.chmod(0o444)
    try:
        response = post(client, f"/activity/{target}/note", {"text": "Typed <b>carefully</b>"},
                        f"/activity/{target}")  # fmt: skip
    finally:
        state_path.chmod(0o644)
    assert response.status_code == 503
    text = response.text
    assert "Your change cannot be saved" in text and "read-only" in text
    assert "cannot be read" not in text and text.count("has not changed") <= 1
    assert "Typed &lt;b&gt;carefully&lt;/b&gt;</textarea>" in text
    assert state_path.read_bytes() == before


# -- 8. a damaged progress file


def test_a_damaged_file_is_said_in_plain_words_with_its_line(client: Any, state_path: Path) -> None:
    state_path.parent.mkdir(parents=True, exist_ok=True)
    state_path.write_bytes(b"version: 3\ndone: {}\nnotes: {}\nlea: Sample\x00 Unified\n")
    response = client.get("/", base_url=BASE)
    assert response.status_code == 500
    text = response.text
    assert "line 4" in text and "backup" in text and "cimsig doctor" in text
    assert "#x0000" not in text and "position" not in text and "unacceptable" not in text
    assert text.count("has not changed") <= 1 and 'href="/"' in text


# -- 9. error pages have a way back, in web words


def test_error_pages_link_home_in_web_words(client: Any, cli: Any, anon: Any) -> None:
    missing = client.get("/no/such/page", base_url=BASE)
    assert missing.status_code == 404 and 'href="/"' in missing.text
    activity = client.get("/activity/nothing-like-this", base_url=BASE)
    assert activity.status_code == 404 and 'href="/"' in activity.text
    assert "cimsig list" not in activity.text and "`" not in activity.text
    assert cli("district", "add", "Alpha USD").exit_code == 0
    district = client.get("/?district=Nowhere", base_url=BASE)
    assert district.status_code == 404 and 'href="/"' in district.text
    assert "district add" not in district.text and "`" not in district.text


def test_an_old_key_says_to_use_the_new_address(anon: Any) -> None:
    response = anon.get("/?key=from-yesterdays-start", base_url=BASE)
    assert response.status_code == 403 and "new address cimsig serve printed" in response.text


# -- 10. the framework's own pages


def test_wrong_method_and_too_large_are_plain_pages(client: Any) -> None:
    response = client.get("/undo", base_url=BASE)
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
    assert "Method Not Allowed" not in response.text and 'href="/"' in response.text
    token = csrf_of(client.get("/", base_url=BASE).text)
    big = client.post("/me", data={"csrf": token, "me": "x" * (6 * 1024 * 1024)},
                      base_url=BASE)  # fmt: skip
    assert big.status_code == 413 and "Request Entity Too Large" not in big.text
    assert "Nothing was changed" in big.text


# -- 11. wording


def test_wording_of_messages_and_lists(client: Any, state_path: Path) -> None:
    target = first_activity(client)
    dates = {"due": "2024-10-01", "start": "2024-10-09"}
    response = post(client, f"/activity/{target}/plan", dates, f"/activity/{target}")
    assert "is after your due date" in response.text and "the your" not in response.text
    post(client, "/own/add", {"title": "Board meeting", "step": "step1", "due": "2026-12-10"},
         "/own")  # fmt: skip
    own = client.get("/own", base_url=BASE).text
    assert "Thu Dec 10, 2026" in own and "2026-12-10" not in own
    assert "Added Board meeting (" in own
    refused = post(client, f"/own/{target}/remove", {}, "/own")
    assert refused.status_code == 400 and "cimsig" not in refused.text.split("<main")[1]
    done = post(client, f"/activity/{target}/done", {"on": "2024-10-01"}, f"/activity/{target}")
    shown = client.get(done.headers["Location"], base_url=BASE).text
    assert re.search(rf"Marked done: [A-Z][^<]*\({target}\)", shown), shown
    history = client.get("/history", base_url=BASE).text
    assert re.search(rf"<li>[A-Z][^<]*\({target}\):", history) or f"({target}):" in history


def test_a_port_out_of_range_is_said_in_words(cli: Any) -> None:
    from typer.testing import CliRunner

    from cimsig.cli import app

    result = CliRunner().invoke(app, ["serve", "--port", "70000", "--no-browser"])
    assert result.exit_code == 2
    assert "--port must be from 0 to 65535, not 70000." in " ".join(result.output.split())


# -- 2. the key is not put on a command line


def test_the_browser_is_opened_without_the_key_on_its_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import webbrowser

    from cimsig.web import server

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    url = "http://127.0.0.1:8765/?key=SECRET-KEY"
    made = server.open_in_browser(url)
    assert made is not None
    try:
        (given,) = opened
        assert "SECRET-KEY" not in given and given.startswith("file:")
        assert url in made.read_text(encoding="utf-8")
        if os.name == "posix":
            assert made.stat().st_mode & 0o077 == 0  # this user only
    finally:
        made.unlink()
