"""Every analytics table as CSV: the same figures as the JSON answer, to a client that asks with Accept."""

import csv
import io
from datetime import date

import pytest

from services.analytics.app import app as analytics_app
from services.analytics.tables import flat
from tests.placements.factory import person

COVENTRY, SOLIHULL = "331", "334"
LEFT = {"reason_leave": 1, "fte30": None, "cases30": None, "working_days_lost": None}


@pytest.fixture
def returns(load):
    load(COVENTRY, 2023, [person(1), person(2), person(3)])
    load(COVENTRY, 2024, [person(1), person(2, role_end_date=date(2024, 2, 29), **LEFT)])
    load(SOLIHULL, 2024, [person(2, role_start_date=date(2024, 4, 2)), person(4)])


@pytest.mark.parametrize(
    ("path", "params", "table", "key"),
    [
        ("workforce", {"census_year": 2024}, "areas", ("code", "source")),
        ("retention", {"census_year": 2024}, "areas", ("code",)),
        ("movements", {"census_year": 2024}, "moves", ("from_council", "to_council")),
        ("benchmarks", {"census_year": 2024, "council": COVENTRY}, "measures", ("measure",)),
    ],
)
def test_each_table_comes_as_csv_with_the_figures_of_the_json(returns, app_client, auth, path, params, table, key):
    client = app_client(analytics_app)
    url = f"/v1/analytics/{path}"
    as_json = client.get(url, params=params, headers=auth())
    as_csv = client.get(url, params=params, headers={**auth(), "Accept": "text/csv"})
    assert as_json.status_code == as_csv.status_code == 200, as_csv.text
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.headers["content-disposition"].startswith("attachment; filename=")
    items = as_json.json()[table]
    rows = list(csv.DictReader(io.StringIO(as_csv.text, newline="")))
    assert len(rows) == len(items) > 0
    for item, row in zip(items, rows, strict=True):
        assert tuple(row[k] for k in key) == tuple(item[k] for k in key)
        for name, value in item.items():
            if isinstance(value, str | int) and not isinstance(value, bool):
                assert row[name] == str(value), name


def test_json_stays_the_answer_to_a_client_that_accepts_both(returns, app_client, auth):
    answer = app_client(analytics_app).get(
        "/v1/analytics/workforce",
        params={"census_year": 2024},
        headers={**auth(), "Accept": "application/json, text/csv"},
    )
    assert answer.headers["content-type"].startswith("application/json")


def test_nested_figures_become_columns_named_by_their_path():
    row = flat(
        {
            "code": "331",
            "computed": {"value": 1, "councils": ["331", "334"]},
            "service_bands": [{"band": "under_2", "headcount": 3}, {"band": "2_to_5", "headcount": 1}],
        }
    )
    assert row == {
        "code": "331",
        "computed_value": 1,
        "computed_councils": "331 334",
        "service_bands_under_2_headcount": 3,
        "service_bands_2_to_5_headcount": 1,
    }
