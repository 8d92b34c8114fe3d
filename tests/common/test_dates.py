"""Date arithmetic every service shares (services/common/dates.py): two month-end conventions, each where it
applies, and an end that comes before its start."""

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.dates import add_months, anniversary, end_before_start, months_later

# --- Dates -------------------------------------------------------------------------------------

DATES = st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31))


@given(start=DATES, months=st.integers(-240, 240))
def test_add_months_keeps_the_day_or_clamps_to_the_month_end(start, months):
    year, month = start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1
    assert add_months(start, months) == date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@given(start=DATES, months=st.integers(-240, 240))
def test_months_later_keeps_the_day_or_moves_to_the_first_of_the_next_month(start, months):
    year, month = start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1
    if start.day <= calendar.monthrange(year, month)[1]:
        expected = date(year, month, start.day)
    else:
        expected = date(year + month // 12, month % 12 + 1, 1)
    assert months_later(start, months) == expected


@pytest.mark.parametrize(
    ("start", "months", "clamped", "rolled"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29), date(2024, 3, 1)),
        (date(2023, 1, 31), 1, date(2023, 2, 28), date(2023, 3, 1)),
        (date(2024, 12, 31), -1, date(2024, 11, 30), date(2024, 12, 1)),
        (date(2024, 5, 15), 13, date(2025, 6, 15), date(2025, 6, 15)),
    ],
)
def test_the_two_month_end_conventions_differ_only_where_the_month_lacks_the_day(start, months, clamped, rolled):
    assert (add_months(start, months), months_later(start, months)) == (clamped, rolled)


def test_an_anniversary_of_29_february_falls_on_1_march_in_a_common_year():
    assert anniversary(date(2020, 2, 29), 1) == date(2021, 3, 1)
    assert anniversary(date(2020, 2, 29), 4) == date(2024, 2, 29)
    assert anniversary(date(2021, 3, 1), -1) == date(2020, 3, 1)


@given(start=DATES, days=st.integers(-400, 400))
def test_an_end_is_before_its_start_only_when_both_are_known_and_it_is_earlier(start, days):
    end = start + timedelta(days=days)
    assert end_before_start(start, end) is (days < 0)
    assert end_before_start(None, end) is False and end_before_start(start, None) is False
