"""People's passwords: changed by the signed-in person, reset by academy staff. Either ends every sign-in
(refresh token) the person holds."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from limits import parse
from pydantic import BaseModel, Field

from gateway import credentials
from gateway.tokens import FAILURES, refuse_an_address_that_failed_too_often
from services.common.audit import audit
from services.common.auth import CurrentPrincipal, Principal, Role, require_roles
from services.common.db import RetryingRoute, SessionDep, release_reads
from services.common.errors import PROBLEM_RESPONSES, Forbidden
from services.common.rate_limits import limiter
from services.common.settings import get_settings

router = APIRouter(prefix="/v1/auth", tags=["auth"], route_class=RetryingRoute, responses=PROBLEM_RESPONSES)

Password = Annotated[str, Field(min_length=1, max_length=credentials.MAX_PASSWORD_LENGTH)]


class PasswordChange(BaseModel):
    current_password: Password
    new_password: Password = Field(
        description=f"At least {credentials.MIN_PASSWORD_LENGTH} characters, not containing the username"
    )


class PasswordReset(BaseModel):
    username: str
    password: str = Field(description="Generated; shown once. Give it to the person to sign in and change it.")


def _username(principal: Principal) -> str:
    kind, _, username = principal.subject.partition(":")
    if kind != "user":
        raise Forbidden("Only a person's account has a password; a machine client's secret is reset by an operator.")
    return username


@router.post("/password", status_code=204, summary="Change my password (a signed-in person)")
def change_password(request: Request, session: SessionDep, principal: CurrentPrincipal, change: PasswordChange):
    """The current password proves it is the person, not only someone holding their token. Every refresh
    token of theirs is revoked: other devices sign in again."""
    address = request.client.host if request.client else "-"
    refuse_an_address_that_failed_too_often(address)  # a stolen access token cannot guess the password here
    try:
        user = credentials.change_password(session, _username(principal), change.current_password, change.new_password)
    except credentials.WrongPassword:
        limiter().hit(parse(get_settings().token_failures_per_address), FAILURES, address)
        raise
    audit(session, principal, "change-password", "user_account", str(user.id))
    return Response(status_code=204)


@router.post(
    "/users/{username}/password-reset",
    response_model=PasswordReset,
    summary="Reset a person's password (academy staff); the new one is shown once",
)
def reset_password(
    session: SessionDep,
    username: Annotated[str, Path(max_length=120)],
    principal: Annotated[Principal, Depends(require_roles(Role.academy_admin))],
) -> PasswordReset:
    user = credentials.find_user(session, username)
    release_reads(session)  # no lock held while the new password is hashed
    password = credentials.reset_user_password(session, user)
    audit(session, principal, "reset-password", "user_account", str(user.id))
    return PasswordReset(username=user.username, password=password)
