"""Date arithmetic every service shares: months, anniversaries, and an end that comes before its start.

Two conventions for a day the target month lacks, each named for where it applies:
- `add_months` clamps to the month's end (31 January + 1 month = 28 or 29 February): a span of months such as
  a probation period, the CPD year or an ASYE review's due date.
- `months_later` and `anniversary` move to the 1st of the next month (29 February + 1 year = 1 March), the
  statutory reading of an anniversary that Return to Social Work's rules (away from practice, in post after N
  months) are written in.
"""

import calendar
from datetime import date

END_BEFORE_START = "end_before_start"


def _shifted(year: int, month: int, months: int) -> tuple[int, int]:
    """The (year, month) `months` after `month` of `year`."""
    year, index = divmod(year * 12 + month - 1 + months, 12)
    return year, index + 1


def add_months(d: date, months: int) -> date:
    """d moved by whole calendar months, the day clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    year, month = _shifted(d.year, d.month, months)
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def months_later(start: date, months: int) -> date:
    """`start` moved by whole months; a day the target month lacks lands on the 1st of the next."""
    year, month = _shifted(start.year, start.month, months)
    if start.day <= calendar.monthrange(year, month)[1]:
        return date(year, month, start.day)
    return date(*_shifted(year, month, 1), 1)


def anniversary(start: date, years: int) -> date:
    """`start` moved by whole years; 29 Feb lands on 1 Mar when the target year has no 29 Feb."""
    return months_later(start, 12 * years)


def end_before_start(start: date | None, end: date | None) -> bool:
    """True when both are known and the end comes before the start (an end on the start day is allowed)."""
    return start is not None and end is not None and end < start
