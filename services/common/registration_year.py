"""Social Work England's registration year, in which a social worker records their CPD: 1 December to
30 November, named by the year it ends. Careers judges CPD by it and the front end lists CPD by it."""

from datetime import date


def registration_year_ending(year: int) -> tuple[date, date]:
    """The SWE registration year that ends on 30 November `year`: 1 December year-1 to 30 November year."""
    return date(year - 1, 12, 1), date(year, 11, 30)


def registration_year_of(d: date) -> int:
    """The registration year a date falls in, named by the year it ends (1 Dec 2025 is in year 2026)."""
    return d.year + 1 if d.month == 12 else d.year
