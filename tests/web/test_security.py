"""`cimsig serve` lets nobody else in: attacks on each of its guards (Flask's test client)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cimsig.web import ServeSettings
from tests.web.conftest import BASE, csrf_of

FIELDS_SCRIPT = '<script>alert("x")</script><b>bold</b>\x1b[31m'


def first_activity(client: Any) -> str:
    import re

    page = client.get("/", base_url=BASE).text
    found = re.search(r'href="/activity/([^"?]+)"', page)
    assert found, page
    return found.group(1)


def test_without_the_key_every_page_is_refused(anon: Any) -> None:
    for path in ("/", "/history", "/download/csv", "/activity/x", "/style.css"):
        response = anon.get(path, base_url=BASE)
        assert response.status_code == 403, path
        assert "address (with its key)" in response.text
    assert anon.post("/undo", base_url=BASE, data={}).status_code == 403


def test_a_wrong_key_is_refused(anon: Any) -> None:
    response = anon.get("/?key=guess", base_url=BASE)
    assert response.status_code == 403 and "Set-Cookie" not in response.headers


def test_the_key_becomes_an_httponly_strict_cookie_and_leaves_the_address(
    anon: Any, settings: ServeSettings
) -> None:
    response = anon.get(f"/history?key={settings.key}", base_url=BASE)
    assert response.status_code == 303 and response.headers["Location"] == "/history"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert anon.get("/history", base_url=BASE).status_code == 200


def test_a_foreign_host_is_refused_even_with_the_cookie(client: Any) -> None:
    for host in ("evil.example:8765", "127.0.0.1:9999", "localhost"):
        response = client.get("/", base_url=f"http://{host}")
        assert response.status_code == 400, host
        assert "only served at the address" in response.text
    # localhost:PORT is the server's own name: asked for the key (its cookie is 127.0.0.1's)
    assert client.get("/", base_url="http://localhost:8765").status_code == 403


def test_a_cross_site_post_without_or_with_a_wrong_token_changes_nothing(
    client: Any, state_path: Path
) -> None:
    target = first_activity(client)
    for data in ({"on": "2024-09-01"}, {"on": "2024-09-01", "csrf": "forged"}):
        response = client.post(f"/activity/{target}/done", data=data, base_url=BASE)
        assert response.status_code == 403 and "nothing was changed" in response.text
    good = csrf_of(client.get(f"/activity/{target}", base_url=BASE).text)
    response = client.post(
        f"/activity/{target}/done",
        data={"on": "2024-09-01", "csrf": good},
        headers={"Origin": "http://evil.example"},
        base_url=BASE,
    )
    assert response.status_code == 403
    assert not state_path.exists()


def test_every_page_has_the_security_headers(client: Any) -> None:
    response = client.get("/", base_url=BASE)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script" not in response.text


def test_markup_and_script_in_every_user_field_are_shown_as_text(client: Any) -> None:
    target = first_activity(client)
    page = client.get(f"/activity/{target}", base_url=BASE).text
    token = csrf_of(page)
    posts = [
        (f"/activity/{target}/done", {"on": "2024-09-01", "note": FIELDS_SCRIPT}),
        (f"/activity/{target}/assign", {"owner": FIELDS_SCRIPT[:90]}),
        (f"/activity/{target}/note", {"text": FIELDS_SCRIPT}),
        ("/own/add", {"title": FIELDS_SCRIPT, "step": "step1", "due": "2024-10-01"}),
        ("/me", {"me": FIELDS_SCRIPT[:90]}),
    ]
    for path, data in posts:
        response = client.post(path, data={**data, "csrf": token}, base_url=BASE)
        assert response.status_code == 303, (path, response.text)
    for path in (f"/activity/{target}", "/history", "/own", "/"):
        text = client.get(path, base_url=BASE).text
        assert "<script>" not in text and "<b>bold</b>" not in text, path
        assert "\x1b" not in text
    shown = client.get(f"/activity/{target}", base_url=BASE).text
    assert "&lt;script&gt;alert(" in shown


def test_an_unreadable_progress_file_is_a_clear_page_and_is_not_overwritten(
    client: Any, state_path: Path
) -> None:
    state_path.parent.mkdir(parents=True, exist_ok=True)
    state_path.write_bytes(b"version: 3\ndone: [unclosed\n\x00")
    before = state_path.read_bytes()
    response = client.get("/", base_url=BASE)
    assert response.status_code == 500 and "cannot read it" in response.text
    assert "Traceback" not in response.text
    page = client.get("/history", base_url=BASE)
    assert "cannot read it" in page.text
    assert state_path.read_bytes() == before


def test_an_unexpected_error_is_a_bug_page_without_a_traceback(
    client: Any, monkeypatch: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("cimsig.web.routes._weekly", broken)
    response = client.get("/", base_url=BASE)
    assert response.status_code == 500
    assert "This is a bug in cimsig" in response.text
    assert "secret internals" not in response.text and "Traceback" not in response.text


def test_a_district_name_with_markup_is_shown_as_text(client: Any, cli: Any) -> None:
    for name in ("<b>Alpha</b> USD", "Beta <script>x()</script>"):
        assert cli("district", "add", name).exit_code == 0
    page = client.get("/", base_url=BASE).text
    assert "&lt;b&gt;Alpha&lt;/b&gt; USD" in page and "<script>" not in page
