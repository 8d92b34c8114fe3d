"""The field types and the input base every returners schema module uses: council codes, emails,
registration numbers, years and hours held to their column's scale, dates not in the future."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from services.common import clock
from services.returners.rules import normalise_registration

CouncilCode = Annotated[str, Field(pattern=r"^[0-9]{3}$", min_length=3, max_length=3, description="DfE LA code")]
Email = Annotated[
    str,
    Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description="Matched without regard to case"),
    AfterValidator(lambda value: value.strip().lower()),
]


def quantized(places: int) -> AfterValidator:
    """Held with the column's scale, so an answer shows the same digits before and after a reload."""
    exponent = Decimal(1).scaleb(-places)
    return AfterValidator(lambda value: value.quantize(exponent))


Years = Annotated[
    Decimal, Field(ge=0, le=99, decimal_places=1, description="years, at most 1 decimal place"), quantized(1)
]
HoursPerDay = Annotated[
    Decimal, Field(gt=0, le=24, decimal_places=2, description="Hours in an updating day"), quantized(2)
]
EARLIEST = date(1950, 1, 1)


def _registration(value: str) -> str:
    try:
        return normalise_registration(value)
    except ValueError as exc:
        raise PydanticCustomError("invalid_registration_number", "{reason}", {"reason": str(exc)}) from None


def _past(value: date) -> date:
    if not EARLIEST <= value <= clock.today():
        raise PydanticCustomError(
            "date_out_of_range", "the date must be between {low} and today", {"low": str(EARLIEST)}
        )
    return value


RegistrationNumber = Annotated[
    str,
    Field(max_length=32, description="HCPC or SWE number in any spelling (SW000123, sw 123); stored as SW123"),
    AfterValidator(_registration),
]
PastDate = Annotated[date, AfterValidator(_past)]


class Input(BaseModel):
    """A request body: a field it does not know is refused."""

    model_config = ConfigDict(extra="forbid")
