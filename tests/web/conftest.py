"""A `cimsig serve` app for Flask's test client, opened with its key as a browser would be."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("flask")

from cimsig.web import ServeSettings, create_app

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"


@pytest.fixture
def settings() -> ServeSettings:
    return ServeSettings(PORT)


@pytest.fixture
def anon(settings: ServeSettings) -> Iterator[Any]:
    """A browser that has not opened the printed address."""
    app = create_app(settings)
    with app.test_client() as client:
        client.environ_base["HTTP_HOST"] = f"127.0.0.1:{PORT}"
        yield client


@pytest.fixture
def client(anon: Any, settings: ServeSettings) -> Any:
    """A browser that opened the printed address (key exchanged for the session cookie)."""
    response = anon.get(f"/?key={settings.key}", base_url=BASE)
    assert response.status_code == 303, response.text
    return anon


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page
    return found.group(1)
