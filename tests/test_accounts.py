"""`futuresocial users create` binds a social worker's account only to an SWE number the workforce holds
(placements' worker records), stored normalised."""

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from futuresocial.cli import app as cli
from gateway.models import UserAccount
from services.common.db import get_engine
from services.common.errors import InvalidInput
from services.placements.models import Worker


@pytest.fixture
def committed_worker(database):
    """A worker record committed for the CLI, which opens its own session; removed afterwards."""
    with Session(get_engine()) as setup:
        setup.add(Worker(swe_number="SW7000123", council="330"))
        setup.commit()
    yield "SW7000123"
    with Session(get_engine()) as cleanup:
        for user in cleanup.exec(select(UserAccount).where(UserAccount.username.startswith("cli."))):
            cleanup.delete(user)
        for worker in cleanup.exec(select(Worker).where(Worker.swe_number == "SW7000123")):
            cleanup.delete(worker)
        cleanup.commit()


def _users_create(*worker: str):
    arguments = ["users", "create", "--username", "cli.worker", "--role", "social_worker", "--council", "330"]
    return CliRunner().invoke(cli, [*arguments, *(["--worker", worker[0]] if worker else [])])


def _account(username: str) -> UserAccount | None:
    with Session(get_engine()) as reader:
        return reader.exec(select(UserAccount).where(UserAccount.username == username)).first()


def test_users_create_stores_the_workforces_swe_number_normalised(committed_worker):
    result = _users_create("sw 0007000123")
    assert result.exit_code == 0, result.output
    assert '"worker": "SW7000123"' in result.output
    assert _account("cli.worker").worker == "SW7000123"


@pytest.mark.parametrize("number", ["SW7000124", "SW12X", "7000123"])
def test_users_create_refuses_an_swe_number_the_workforce_does_not_hold(committed_worker, number):
    result = _users_create(number)
    assert isinstance(result.exception, InvalidInput), result.output
    assert _account("cli.worker") is None
