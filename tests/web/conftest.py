"""The front end's tests run against the real platform (`futuresocial up` on loopback ports, web included) and go
through the gateway, as a browser does; the set-up is tests/e2e's: social workers with career records and
accounts at Birmingham, an academy admin and Birmingham's HR system."""

from collections.abc import Iterator

import pytest

from tests.e2e import journeys
from tests.e2e.harness import Platform, own_database, running_platform
from tests.e2e.journeys import Setup
from tests.web.visitor import Visitor


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    folder = tmp_path_factory.mktemp("web")
    with own_database(folder) as database_url, running_platform(database_url, folder) as platform:
        yield platform


@pytest.fixture(scope="module")
def setup(platform: Platform) -> Setup:
    return journeys.prepare(platform, social_workers=12)


@pytest.fixture
def visitor(platform: Platform) -> Iterator[Visitor]:
    person = Visitor(platform.gateway)
    yield person
    person.close()


@pytest.fixture
def social_worker(setup: Setup) -> journeys.SocialWorker:
    """A social worker no other test in the module has used."""
    return setup.take(1)[0]


@pytest.fixture
def signed_in(visitor: Visitor, social_worker: journeys.SocialWorker) -> Visitor:
    """The visitor, signed in as a fresh social worker (the `social_worker` of the same test)."""
    visitor.sign_in(social_worker.username, social_worker.password)
    return visitor
