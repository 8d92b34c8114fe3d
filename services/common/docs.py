"""The documentation pages of an app, Swagger UI at /docs and ReDoc at /redoc, whose scripts and styles the app
serves itself from an installed package (fastapi-offline's copies of Swagger UI 5 and ReDoc 2, MIT licensed),
so they work with no internet and load nothing from another host."""

from collections.abc import Awaitable, Callable
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs/assets"
ASSETS = Path(str(files("fastapi_offline") / "static"))
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"


def install_docs(app: FastAPI, title: str, openapi_url: str = "/openapi.json") -> None:
    """The pages depend only on the app's title and document, so each is written once, here."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-assets")
    document = {"openapi_url": openapi_url, "title": title}
    pages = {
        "/docs": get_swagger_ui_html(
            **document,
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
            oauth2_redirect_url=OAUTH2_REDIRECT_URL,
            # Swagger UI would otherwise send the document to its makers' online validator.
            swagger_ui_parameters={"validatorUrl": None},
        ),
        OAUTH2_REDIRECT_URL: get_swagger_ui_oauth2_redirect_html(),
        "/redoc": get_redoc_html(
            **document,
            redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        ),
    }
    for path, page in pages.items():
        app.add_api_route(path, _serving(bytes(page.body)), methods=["GET"], include_in_schema=False)


def _serving(html: bytes) -> Callable[[], Awaitable[HTMLResponse]]:
    async def page() -> HTMLResponse:
        return HTMLResponse(html)

    return page
