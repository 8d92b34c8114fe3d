"""The API documentation pages work with no internet: everything they load comes from the app itself."""

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from tests.conftest import SERVICE_APPS

ANY_URL = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""")


class References(HTMLParser):
    """Every URL the page's tags load or link to."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def loaded_by(page: str) -> tuple[list[str], list[str]]:
    """The URLs the page's tags load, and any absolute URL written anywhere in it (its scripts too)."""
    parser = References()
    parser.feed(page)
    return parser.urls, ANY_URL.findall(page)


def apps(gateway: TestClient, app_client) -> dict[str, TestClient]:
    return {"gateway": gateway} | {name: app_client(app) for name, app in SERVICE_APPS.items()}


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_every_apps_docs_page_loads_its_scripts_and_styles_from_the_app_itself(gateway, app_client, page):
    for name, client in apps(gateway, app_client).items():
        answer = client.get(page)
        assert answer.status_code == 200, (name, answer.text)
        assert answer.headers["content-type"].startswith("text/html")
        urls, absolute = loaded_by(answer.text)
        assert absolute == [], f"{name}{page} names another host: {absolute}"
        scripts = [url for url in urls if url.endswith(".js")]
        assert scripts, f"{name}{page} loads no script"
        for url in urls:
            assert url.startswith("/"), f"{name}{page} loads {url}"
            asset = client.get(url)
            assert asset.status_code == 200, f"{name}: {url} answered {asset.status_code}"
            assert len(asset.content) > 1000, f"{name}: {url} is nearly empty"


def test_the_docs_page_reads_the_apps_own_openapi_document(gateway, app_client):
    for name, client in apps(gateway, app_client).items():
        page = client.get("/docs").text
        assert "url: '/openapi.json'" in page or '"url": "/openapi.json"' in page, name
        assert client.get("/openapi.json").status_code == 200
