"""Shared analytics test fixtures: census returns loaded through placements' import, in-process."""

import pytest

from services.analytics.app import app as analytics_app
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


@pytest.fixture
def analytics_get(app_client, auth):
    """`analytics_get(path)` is `get(params=None, headers=None, status=200)`: the JSON of a GET of
    /v1/analytics/<path>, asserting its status (an academy admin's token unless headers are given)."""
    client = app_client(analytics_app)

    def _for(path):
        def _get(params=None, headers=None, status=200):
            answer = client.get(f"/v1/analytics/{path}", params=params or {}, headers=headers or auth())
            assert answer.status_code == status, answer.text
            return answer.json()

        return _get

    return _for
