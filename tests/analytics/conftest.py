"""Shared analytics test fixtures: census returns loaded through placements' import, in-process."""

import pytest

from services.placements.app import app as placements_app
from tests.placements.factory import xml_return


@pytest.fixture
def load(app_client, auth):
    """`load(council, year, records, vacancies=None)`: import a council's return for a year."""
    placements = app_client(placements_app)

    def _load(council, year, records, vacancies=None):
        answer = placements.post(
            "/v1/placements/imports",
            params={"census_year": year, "council": council},
            files={"file": ("r.xml", xml_return(year, council, records, vacancies))},
            headers=auth(),
        )
        assert answer.status_code == 201, answer.text

    return _load
