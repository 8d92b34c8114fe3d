"""Today and now in UTC: the one clock every service judges dates by, injectable as a dependency."""

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Depends


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date in UTC (not the machine's local zone), so every process agrees on the day."""
    return now().date()


# A route takes `today: Today` and passes it down; a test sets the day with app.dependency_overrides[today].
Today = Annotated[date, Depends(today)]
