"""The census year every service counts in (1 October N-1 to 30 September N)."""

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
