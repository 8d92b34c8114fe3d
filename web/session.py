"""A person's session: their tokens and the form token, kept in one cookie encrypted and signed with Fernet
(AES-128-CBC and HMAC-SHA256), HttpOnly and SameSite=Lax, Secure over HTTPS. Nothing the page or its
script can read holds a token, and no token is ever in a URL.

A session ends after `web_session_idle_seconds` without a request (the cookie is re-sealed on every
request, and Fernet's timestamp is checked against that), or `web_session_max_seconds` after sign-in.
"""

import json
import os
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from starlette.requests import Request
from starlette.responses import Response

from services.common.settings import Settings

COOKIE = "futuresocial_session"
KEY_FILE = "web_session.key"


def session_key(settings: Settings) -> bytes:
    """The configured key, or in development one generated into keys_dir on first run (shared by every
    worker: the first to write it wins, the others read it)."""
    if settings.web_session_key:
        return settings.web_session_key.encode()
    if settings.environment == "production":  # each container would seal with a key of its own
        raise RuntimeError("FUTURESOCIAL_WEB_SESSION_KEY must be set in production")
    path = Path(settings.keys_dir) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "wb") as file:
                file.write(Fernet.generate_key())
    for _ in range(50):  # another worker may have created it and not yet written it
        key = path.read_bytes().strip()
        if key:
            return key
        time.sleep(0.01)
    raise RuntimeError(f"{path} is empty")


@dataclass
class Session:
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    username: str | None = None
    role: str | None = None
    access_token: str | None = None
    refresh_token: str | None = None
    access_expires_at: float = 0.0
    signed_in_at: float = 0.0
    flash: str | None = None  # one notice shown on the next page (a GOV.UK notification banner)

    @property
    def signed_in(self) -> bool:
        return self.access_token is not None

    def sign_in(self, username: str, role: str | None, tokens: dict, now: float) -> None:
        """A new form token as well: one issued before sign-in is not trusted after it."""
        self.csrf = secrets.token_urlsafe(32)
        self.username, self.role, self.signed_in_at = username, role, now
        self.keep_tokens(tokens, now)

    def keep_tokens(self, tokens: dict, now: float) -> None:
        self.access_token = tokens["access_token"]
        self.refresh_token = tokens.get("refresh_token", self.refresh_token)
        self.access_expires_at = now + int(tokens.get("expires_in", 0))

    def take_flash(self) -> str | None:
        flash, self.flash = self.flash, None
        return flash


class SessionCookie:
    def __init__(self, settings: Settings):
        self.fernet = Fernet(session_key(settings))
        self.idle_seconds = settings.web_session_idle_seconds
        self.max_seconds = settings.web_session_max_seconds

    def load(self, request: Request, now: float | None = None) -> tuple[Session, bool]:
        """The request's session, or a new one; and whether a signed-in session had just ended (expired)."""
        sealed = request.cookies.get(COOKIE)
        if not sealed:
            return Session(), False
        now = time.time() if now is None else now
        try:
            data = json.loads(self.fernet.decrypt_at_time(sealed.encode(), self.idle_seconds, int(now)))
            session = Session(**data)
        except (InvalidToken, ValueError, TypeError):
            return Session(), True  # expired by idleness, or not ours: either way signed out
        if session.signed_in and now - session.signed_in_at > self.max_seconds:
            return Session(), True
        return session, False

    def save(self, session: Session, request: Request, response: Response) -> None:
        sealed = self.fernet.encrypt(json.dumps(asdict(session)).encode()).decode()
        response.set_cookie(
            COOKIE,
            sealed,
            max_age=self.idle_seconds,
            path="/",
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )

    @staticmethod
    def clear(response: Response) -> None:
        response.delete_cookie(COOKIE, path="/")
