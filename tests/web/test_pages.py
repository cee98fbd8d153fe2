"""The weekly work in the page (Flask's test client): each form calls the same operation as the
command line and the change is in the progress file, with who made it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cimsig.storage.store import StateFile
from tests.web.conftest import BASE, csrf_of


def first_activity(client: Any) -> str:
    page = client.get("/", base_url=BASE).text
    found = re.search(r'href="/activity/([^"?]+)"', page)
    assert found, page
    return found.group(1)


def post(client: Any, path: str, data: dict[str, Any], page: str = "/") -> Any:
    token = csrf_of(client.get(page, base_url=BASE).text)
    return client.post(path, data={**data, "csrf": token}, base_url=BASE)


def test_home_is_the_weekly_check_in(client: Any) -> None:
    page = client.get("/", base_url=BASE).text
    for words in ("Weekly check-in", "Progress by step", "Overdue (", "In progress (",
                  "Due in the next 14 days", "Next deadline", "measured against"):  # fmt: skip
        assert words in page, words


def test_done_with_a_date_and_note_then_undo(client: Any, state_path: Path) -> None:
    target = first_activity(client)
    response = post(client, f"/activity/{target}/done",
                    {"on": "2024-09-03", "note": "Sent to CDE"}, f"/activity/{target}")  # fmt: skip
    assert response.status_code == 303
    shown = client.get(response.headers["Location"], base_url=BASE).text
    assert f"({target}), done on" in shown and "Marked done: " in shown
    state = StateFile(state_path).read()
    assert state.done[target].note == "Sent to CDE"
    assert str(state.done[target].on) == "2024-09-03"
    history = client.get("/history", base_url=BASE).text
    assert "Undo will take back" in history and target in history
    uids = re.findall(r'name="uid" value="([^"]+)"', history)
    response = client.post("/undo", data={"uid": uids, "csrf": csrf_of(history)}, base_url=BASE)
    assert response.status_code == 303
    assert target not in StateFile(state_path).read().done


def test_bad_form_input_gets_the_form_back_with_a_message(client: Any, state_path: Path) -> None:
    target = first_activity(client)
    response = post(client, f"/activity/{target}/done", {"on": "someday"}, f"/activity/{target}")
    assert response.status_code == 400
    assert "is not a date cimsig can read" in response.text and 'name="on"' in response.text
    response = post(client, f"/activity/{target}/note", {"text": "  "}, f"/activity/{target}")
    assert response.status_code == 400 and "cannot be empty" in response.text
    assert not state_path.exists()


def test_correct_and_reopen(client: Any, state_path: Path) -> None:
    target = first_activity(client)
    page = f"/activity/{target}"
    post(client, f"/activity/{target}/done", {"on": "2024-09-03"}, page)
    assert 'type="submit">Correct<' in client.get(page, base_url=BASE).text
    post(client, f"/activity/{target}/done", {"on": "2024-09-01", "note": "earlier"}, page)
    assert str(StateFile(state_path).read().done[target].on) == "2024-09-01"
    post(client, f"/activity/{target}/reopen", {}, page)
    assert target not in StateFile(state_path).read().done


def test_assign_plan_note(client: Any, state_path: Path) -> None:
    target = first_activity(client)
    page = f"/activity/{target}"
    post(client, f"/activity/{target}/assign", {"owner": "Ana Ruiz"}, page)
    post(client, f"/activity/{target}/plan", {"due": "2025-01-15"}, page)
    post(client, f"/activity/{target}/note", {"text": "Called the SELPA"}, page)
    state = StateFile(state_path).read()
    assert state.owners[target] == "Ana Ruiz"
    assert str(state.plans[target].due) == "2025-01-15"
    assert [n.text for n in state.notes[target]] == ["Called the SELPA"]
    shown = client.get(page, base_url=BASE).text
    assert "Ana Ruiz" in shown and "Called the SELPA" in shown


def test_the_name_field_sets_who_is_recorded(client: Any, state_path: Path) -> None:
    post(client, "/me", {"me": "Maria Lopez"})
    target = first_activity(client)
    post(client, f"/activity/{target}/assign", {"owner": "Ana"}, f"/activity/{target}")
    assert StateFile(state_path).read().history[-1]["by"] == "Maria Lopez"
    assert "Maria Lopez" in client.get("/history", base_url=BASE).text


def test_catch_up_shows_the_list_then_marks_it_in_one_change(client: Any, state_path: Path) -> None:
    preview = post(client, "/catch-up", {"through": "2024-09-30", "on": "2024-10-01"}, "/catch-up")
    assert preview.status_code == 200 and "to mark done" in preview.text
    ids = re.findall(r'name="id" value="([^"]+)"', preview.text)
    assert ids and not state_path.exists()
    confirm = client.post(
        "/catch-up/confirm",
        data={"id": ids, "on": "2024-10-01", "csrf": csrf_of(preview.text)},
        base_url=BASE,
    )
    assert confirm.status_code == 303
    state = StateFile(state_path).read()
    assert set(ids) <= set(state.done)


def test_add_and_remove_own_activity(client: Any, state_path: Path) -> None:
    post(client, "/own/add", {"title": "Board meeting", "step": "step1", "due": "2024-11-05"},
         "/own")  # fmt: skip
    own = client.get("/own", base_url=BASE).text
    assert "Board meeting" in own
    (made,) = StateFile(state_path).read().custom
    post(client, f"/own/{made}/remove", {}, "/own")
    after = client.get("/own", base_url=BASE).text
    assert "Removed Board meeting" in after and 'aria-label="Remove Board meeting"' not in after


def test_every_download(client: Any) -> None:
    page = client.get("/downloads", base_url=BASE).text
    for kind, start in (("csv", b""), ("ics", b"BEGIN:VCALENDAR"), ("xlsx", b"PK"),
                        ("md", b"#"), ("html", b"<!DOCTYPE html>")):  # fmt: skip
        assert f"/download/{kind}" in page
        response = client.get(f"/download/{kind}", base_url=BASE)
        assert response.status_code == 200, kind
        assert "attachment" in response.headers["Content-Disposition"]
        assert response.data.startswith(start), kind


def test_districts_overview_and_each_districts_pages(client: Any, cli: Any) -> None:
    for name in ("North Unified", "South Valley"):
        assert cli("district", "add", name).exit_code == 0
    home = client.get("/", base_url=BASE).text
    assert "All districts" in home and "North" in home and "South" in home
    found = re.search(r'href="(/\?district=[^"]*north[^"]*)"', home, re.I)
    assert found
    north = client.get(found.group(1).replace("&amp;", "&"), base_url=BASE).text
    assert "Weekly check-in" in north


def test_a_change_from_the_terminal_shows_on_the_next_page_load(client: Any, cli: Any) -> None:
    target = first_activity(client)
    assert cli("assign", target, "Terminal Person").exit_code == 0
    assert "Terminal Person" in client.get(f"/activity/{target}", base_url=BASE).text


def test_impossible_dates_come_back_in_plain_words(client: Any, state_path: Path) -> None:
    target = first_activity(client)
    page = f"/activity/{target}"
    later = post(client, f"/activity/{target}/done", {"on": "2999-01-01"}, page)
    assert later.status_code == 400 and "is after today" in later.text
    early = post(client, f"/activity/{target}/done", {"on": "2001-01-01"}, page)
    assert early.status_code == 400 and "before this guide begins" in early.text
    backwards = post(client, f"/activity/{target}/plan",
                     {"due": "2025-01-15", "start": "2025-02-01"}, page)  # fmt: skip
    assert backwards.status_code == 400 and "Start:" in backwards.text
    assert "--" not in re.sub(r"<[^>]+>", "", backwards.text.split('role="alert">')[1][:200])
    assert not state_path.exists()


def test_a_change_in_a_districts_page_lands_in_that_districts_file(client: Any, cli: Any) -> None:
    for name in ("North Unified", "South Valley"):
        assert cli("district", "add", name).exit_code == 0
    home = client.get("/?district=north-unified", base_url=BASE).text
    found = re.search(r'href="(/activity/[^"?]+)\?district=north-unified"', home)
    assert found, home
    target = found.group(1).rsplit("/", 1)[1]
    response = post(client, f"/activity/{target}/assign?district=north-unified",
                    {"owner": "Nora", "district": "north-unified"},
                    f"/activity/{target}?district=north-unified")  # fmt: skip
    assert response.status_code == 303
    north = cli("show", target, "--district", "north-unified")
    south = cli("show", target, "--district", "south-valley")
    assert "Nora" in north.stdout and "Nora" not in south.stdout
