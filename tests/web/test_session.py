"""The session cookie and the GOV.UK Frontend install, without a platform: expiry, tampering, integrity."""

import base64
import hashlib
import io
import tarfile
import time

import pytest
from cryptography.fernet import Fernet
from starlette.requests import Request

from services.common.settings import Settings
from web import assets
from web.pages.account import local_path
from web.session import COOKIE, Session, SessionCookie


def _cookie_jar(tmp_path, **settings) -> SessionCookie:
    return SessionCookie(Settings(_env_file=None, keys_dir=tmp_path, **settings))


def _request_with(cookie: str) -> Request:
    return Request({"type": "http", "headers": [(b"cookie", f"{COOKIE}={cookie}".encode())], "scheme": "http"})


def _sealed(jar: SessionCookie, session: Session, at: float) -> str:
    import json
    from dataclasses import asdict

    return jar.fernet.encrypt_at_time(json.dumps(asdict(session)).encode(), int(at)).decode()


def _signed_in(at: float) -> Session:
    session = Session()
    session.sign_in("sw", "social_worker", {"access_token": "a", "refresh_token": "r", "expires_in": 900}, at)
    return session


def test_a_session_idle_longer_than_the_limit_is_over(tmp_path):
    jar = _cookie_jar(tmp_path, web_session_idle_seconds=1800)
    now = time.time()
    cookie = _sealed(jar, _signed_in(now - 3000), at=now - 1801)
    session, expired = jar.load(_request_with(cookie), now=now)
    assert (session.signed_in, expired) == (False, True)
    session, expired = jar.load(_request_with(_sealed(jar, _signed_in(now - 100), at=now - 1700)), now=now)
    assert (session.signed_in, expired) == (True, False)


def test_a_session_ends_at_its_maximum_age_however_busy(tmp_path):
    jar = _cookie_jar(tmp_path, web_session_max_seconds=3600)
    now = time.time()
    busy = _sealed(jar, _signed_in(now - 3601), at=now - 5)  # sealed a moment ago, signed in over an hour ago
    assert jar.load(_request_with(busy), now=now)[0].signed_in is False
    assert jar.load(_request_with(_sealed(jar, _signed_in(now - 3500), at=now - 5)), now=now)[0].signed_in


def test_a_cookie_sealed_with_another_key_or_altered_is_no_session(tmp_path):
    jar = _cookie_jar(tmp_path)
    other = Fernet(Fernet.generate_key())
    forged = other.encrypt(b'{"access_token": "x", "username": "someone"}').decode()
    assert jar.load(_request_with(forged))[0].signed_in is False
    genuine = _sealed(jar, _signed_in(time.time()), at=time.time())
    altered = genuine[:-6] + ("A" if genuine[-6] != "A" else "B") + genuine[-5:]
    assert jar.load(_request_with(altered))[0].signed_in is False


def test_every_worker_seals_with_the_one_generated_key_and_production_needs_one_given(tmp_path):
    assert _cookie_jar(tmp_path).fernet._signing_key == _cookie_jar(tmp_path).fernet._signing_key
    with pytest.raises(RuntimeError, match="WEB_SESSION_KEY"):
        _cookie_jar(tmp_path / "elsewhere", environment="production", jwt_public_key="pem")


def test_signing_in_replaces_the_form_token_issued_before_it():
    session = Session()
    before = session.csrf
    session.sign_in("sw", "social_worker", {"access_token": "a", "expires_in": 900}, time.time())
    assert session.csrf != before


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "evil", "/\\evil.example", "", None])
def test_sign_in_never_sends_anyone_off_the_site(target):
    assert local_path(target) == "/"


def test_local_paths_are_kept():
    assert local_path("/cpd?registration_year=2025") == "/cpd?registration_year=2025"


def _tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            member = tarfile.TarInfo(name)
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


def test_govuk_frontend_is_refused_unless_its_bytes_are_the_published_ones():
    data = _tarball({"package/dist/govuk/govuk-frontend.min.css": b"body{}"})
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    assets.check_integrity(data, integrity)
    with pytest.raises(assets.IntegrityError):
        assets.check_integrity(data + b"\0", integrity)


def test_only_the_files_a_page_loads_are_unpacked_and_none_outside_the_folder(tmp_path):
    data = _tarball(
        {
            "package/dist/govuk/govuk-frontend.min.css": b"body{}",
            "package/dist/govuk/assets/images/favicon.ico": b"ico",
            "package/dist/govuk/assets/fonts/bold.woff2": b"font",
            "package/package.json": b"{}",
        }
    )
    written = assets.unpack(data, tmp_path / "govuk-frontend")
    assert sorted(written) == ["assets/images/favicon.ico", "govuk-frontend.min.css"]
    assert assets.installed(tmp_path / "govuk-frontend")
    with pytest.raises(assets.IntegrityError):
        assets.unpack(_tarball({"package/dist/govuk/assets/images/../../../../escape.txt": b"x"}), tmp_path / "x")


def test_a_fault_of_our_own_is_the_govuk_problem_page_not_a_bare_error():
    from fastapi.testclient import TestClient

    from web.app import create_web

    app = create_web()

    @app.get("/broken")
    async def broken() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/broken")
    assert answer.status_code == 500
    assert "<title>Sorry, there is a problem with the service – FutureSocial careers</title>" in answer.text
    assert answer.headers["content-security-policy"].startswith("default-src 'self'")


def test_a_call_retried_after_a_refresh_sends_the_same_headers_again():
    import asyncio

    import httpx

    from web.api import Api

    seen: list[tuple[str, str | None]] = []

    def gateway(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/auth/token":
            return httpx.Response(200, json={"access_token": "new", "refresh_token": "r2", "expires_in": 900})
        seen.append((request.headers["authorization"], request.headers.get("accept")))
        if request.headers["authorization"] == "Bearer old":
            return httpx.Response(401, json={"title": "Unauthorized"})
        return httpx.Response(200, content=b"<svg/>")

    async def ask() -> None:
        session = Session()
        session.sign_in(
            "sw", "social_worker", {"access_token": "old", "refresh_token": "r1", "expires_in": 900}, time.time()
        )
        async with httpx.AsyncClient(transport=httpx.MockTransport(gateway), base_url="http://gateway") as client:
            await Api(client, session).send(
                "GET", "/v1/analytics/charts/turnover.svg", headers={"accept": "image/svg+xml"}
            )

    asyncio.run(ask())
    assert seen == [("Bearer old", "image/svg+xml"), ("Bearer new", "image/svg+xml")]
