"""The front end's only way to the platform: the gateway's public API, with the signed-in person's token, as any
client would call it. An access token about to expire is refreshed first (the refresh token rotates, and the
new pair is kept in the session); a 401 that a refresh cannot cure means the person must sign in again."""

import time
from typing import Any

import httpx
from jose import jwt

from services.common.settings import Settings
from web.forwarding import Forwarder
from web.session import Session

# Refreshed this long before it expires, so a token never runs out between the check and the API's.
REFRESH_MARGIN_SECONDS = 30


class SignInNeeded(Exception):
    """No session, or one the API no longer accepts."""


class ApiProblem(Exception):
    """The API refused: its status and RFC 9457 problem details."""

    def __init__(self, status: int, problem: dict[str, Any]):
        super().__init__(problem.get("detail") or problem.get("title") or f"HTTP {status}")
        self.status, self.problem = status, problem

    @property
    def field_errors(self) -> list[dict[str, Any]]:
        """The problem's `errors` ({field, message} each), as a 422 from the API carries them."""
        return [error for error in self.problem.get("errors") or [] if isinstance(error, dict)]


def new_client(settings: Settings) -> httpx.AsyncClient:
    """The front end's one pooled client to the gateway; each call names the browser it is made for."""
    return httpx.AsyncClient(
        event_hooks={"request": [Forwarder(settings).add_headers]},
        base_url=settings.gateway_base_url(),
        timeout=httpx.Timeout(settings.upstream_timeout_seconds, connect=settings.upstream_connect_timeout_seconds),
        limits=httpx.Limits(max_connections=settings.upstream_max_connections),
        trust_env=False,
    )


def _problem(response: httpx.Response) -> ApiProblem:
    try:
        body = response.json()
    except ValueError:
        body = {}
    return ApiProblem(response.status_code, body if isinstance(body, dict) else {})


def _body(response: httpx.Response) -> Any:
    """A success's JSON (None when it has no body); a refusal as ApiProblem."""
    if response.status_code >= 400:
        raise _problem(response)
    return response.json() if response.content else None


async def request_token(client: httpx.AsyncClient, form: dict[str, str]) -> dict[str, Any]:
    return _body(await client.post("/v1/auth/token", data=form))


async def post_public(client: httpx.AsyncClient, path: str, body: Any, request_id: str | None = None) -> Any:
    """A call anyone may make, signed in or not (the Return to Social Work enquiry): no Authorization header."""
    headers = {"x-request-id": request_id} if request_id else {}
    return _body(await client.post(path, json=body, headers=headers))


def role_of(access_token: str) -> str | None:
    """The role the token was issued for: what the pages offer. The API decides what is allowed."""
    return jwt.get_unverified_claims(access_token).get("role")


class Api:
    def __init__(self, client: httpx.AsyncClient, session: Session, request_id: str | None = None):
        self.client, self.session = client, session
        self.headers = {"x-request-id": request_id} if request_id else {}

    async def _refresh(self) -> None:
        if not self.session.refresh_token:
            raise SignInNeeded
        try:
            tokens = await request_token(
                self.client, {"grant_type": "refresh_token", "refresh_token": self.session.refresh_token}
            )
        except ApiProblem as refused:
            if refused.status in (400, 401):  # spent, revoked or expired
                raise SignInNeeded from refused
            raise
        self.session.keep_tokens(tokens, time.time())

    async def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The API's answer when it is a success; ApiProblem when it refused; SignInNeeded on a lost sign-in."""
        if not self.session.signed_in:
            raise SignInNeeded
        if self.session.access_expires_at - REFRESH_MARGIN_SECONDS < time.time():
            await self._refresh()
        response = await self._send(method, path, **kwargs)
        if response.status_code == 401:
            await self._refresh()
            response = await self._send(method, path, **kwargs)
            if response.status_code == 401:
                raise SignInNeeded
        if response.status_code >= 400:
            raise _problem(response)
        return response

    async def _send(
        self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        """One try; `send` may make a second with the same arguments, so none is consumed here."""
        sent = {**self.headers, **(headers or {}), "authorization": f"Bearer {self.session.access_token}"}
        return await self.client.request(method, path, headers=sent, **kwargs)

    async def get(self, path: str, **params: Any) -> Any:
        query = {name: value for name, value in params.items() if value not in (None, "")}
        return (await self.send("GET", path, params=query)).json()

    async def post(self, path: str, body: Any = None) -> Any:
        response = await self.send("POST", path, json=body)
        return response.json() if response.content else None

    async def patch(self, path: str, body: Any) -> Any:
        return (await self.send("PATCH", path, json=body)).json()

    async def delete(self, path: str) -> None:
        await self.send("DELETE", path)

    async def revoke(self) -> None:
        """Sign-out: the refresh token revoked, so the sign-in cannot be continued elsewhere."""
        if self.session.refresh_token:
            await self.client.post(
                "/v1/auth/revoke", data={"token": self.session.refresh_token, "token_type_hint": "refresh_token"}
            )
