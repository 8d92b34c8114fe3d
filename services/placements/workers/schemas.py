"""Request and response models of the worker endpoints, and the field types both workforce sub-domains use:
each census-coded field is checked against the census's codes (services/placements/census/fields.py)."""

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from services.common import clock
from services.common.swe import normalise_swe
from services.common.updates import Changes
from services.placements.census.fields import CENSUS_FIELDS

EARLIEST_BIRTH_DATE = date(1900, 1, 1)


def census_code(element: str) -> Any:
    """Validator: the value must be one of the census element's codes (from services.placements.census)."""
    codes = CENSUS_FIELDS[element].codes
    listed = ", ".join(str(code) for code in sorted(codes))

    def check(value: Any) -> Any:
        if value not in codes:
            raise PydanticCustomError(
                "invalid_code",
                "{element} must be a census code ({codes})",
                {"element": element, "codes": listed},
            )
        return value

    return AfterValidator(check)


def code_field(element: str, description: str) -> Any:
    return Field(
        description=f"{element}: {description}",
        json_schema_extra={"enum": sorted(CENSUS_FIELDS[element].codes)},
    )


def _swe(value: str) -> str:
    try:
        return normalise_swe(value)
    except ValueError as exc:
        raise PydanticCustomError("invalid_swe_number", "{reason}", {"reason": str(exc)}) from None


def _qual_inst(value: str) -> str:
    """Checked as the census checks it (no control characters), and never empty: the census leaves a
    missing value out rather than writing an empty element."""
    if not value.strip():
        raise PydanticCustomError("empty_text", "leave qual_inst out, or null, rather than empty")
    try:
        return CENSUS_FIELDS["QualInst"].parse(value.strip())
    except ValueError as exc:
        raise PydanticCustomError("invalid_text", "{reason}", {"reason": str(exc)}) from None


def _birth_date(value: date) -> date:
    if not EARLIEST_BIRTH_DATE <= value <= clock.today():
        raise PydanticCustomError(
            "date_out_of_range",
            "the birth date must be between {low} and today",
            {"low": str(EARLIEST_BIRTH_DATE)},
        )
    return value


SweNumber = Annotated[
    str,
    Field(
        max_length=32,
        description="Social Work England number in any spelling (SW123, sw 0123); stored as SW123",
    ),
    AfterValidator(_swe),
]
Gender = Annotated[
    int,
    code_field("GenderCurrent", "0 not known, 1 male, 2 female, 9 not specified"),
    census_code("GenderCurrent"),
]
Ethnicity = Annotated[
    str, Field(max_length=4), code_field("Ethnicity", "census ethnicity code"), census_code("Ethnicity")
]
QualInst = Annotated[
    str, Field(max_length=100, description="QualInst: qualifying institution"), AfterValidator(_qual_inst)
]
QualLevel = Annotated[
    int, code_field("QualLevel", "1 undergraduate, 2 postgraduate, 3 other"), census_code("QualLevel")
]
BirthDate = Annotated[date, AfterValidator(_birth_date)]
CouncilCode = Annotated[str, Field(pattern=r"^[0-9]{3}$", min_length=3, max_length=3, description="DfE LA code")]


class StrictInput(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- Workers -----------------------------------------------------------------------------------


class WorkerFields(StrictInput):
    birth_date: BirthDate | None = None
    gender: Gender | None = None
    ethnicity: Ethnicity | None = None
    qual_inst: QualInst | None = None
    qual_level: QualLevel | None = None
    step_up_grad: bool | None = None
    frontline_grad: bool | None = None


class WorkerCreate(WorkerFields):
    swe_number: SweNumber
    council: CouncilCode | None = Field(
        default=None, description="The council whose record this is: council HR's own (default); academy staff name one"
    )


class WorkerUpdate(WorkerFields, Changes):
    """Only the fields sent change; null clears a personal field. The SWE number is corrected through
    POST /v1/placements/workers/{worker_id}/swe-number-corrections."""

    nullable = frozenset(WorkerFields.model_fields)


class SweNumberCorrection(StrictInput):
    """The right SWE number for a record kept under a wrong one (the audit trail keeps the wrong one)."""

    swe_number: SweNumber


class WorkerPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    council: str | None = Field(description="The council whose record this is")
    swe_number: str
    birth_date: date | None
    gender: int | None
    ethnicity: str | None
    qual_inst: str | None
    qual_level: int | None
    step_up_grad: bool | None
    frontline_grad: bool | None
    version: int = Field(description="Sent back as the ETag; send it in If-Match to update")
    created_at: datetime
    updated_at: datetime
