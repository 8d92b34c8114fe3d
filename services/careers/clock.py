"""Today's date as a dependency, so tests can set the day every date rule is judged on."""

from datetime import date
from typing import Annotated

from fastapi import Depends


def today() -> date:
    return date.today()


Today = Annotated[date, Depends(today)]
