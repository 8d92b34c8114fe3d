"""The census year every service counts in (1 October N-1 to 30 September N), and month arithmetic."""

import calendar
from datetime import date


def census_year_start(year: int) -> date:
    """First day of census year N: 1 October N-1."""
    return date(year - 1, 10, 1)


def census_reference_date(year: int) -> date:
    """Reference date (and last day) of census year N: 30 September N."""
    return date(year, 9, 30)


def census_year_of(d: date) -> int:
    """The census year a date falls in (1 Oct 2023 to 30 Sep 2024 is census year 2024)."""
    return d.year + 1 if d.month >= 10 else d.year


def add_months(d: date, months: int) -> date:
    """d moved by whole calendar months, the day clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    index = d.year * 12 + d.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))
