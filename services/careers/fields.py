"""The field types and base models every careers schema module shares."""

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from services.common.swe import normalise_swe


def _swe(value: str) -> str:
    try:
        return normalise_swe(value)
    except ValueError as exc:
        raise PydanticCustomError("invalid_swe_number", "{reason}", {"reason": str(exc)}) from None


SweNumber = Annotated[
    str,
    Field(max_length=32, description="Social Work England number in any spelling (SW123, sw 0123)"),
    AfterValidator(_swe),
]
CouncilCode = Annotated[str, Field(pattern=r"^[0-9]{3}$", description="DfE LA code")]
CODE_PATTERN = r"^[a-z][a-z0-9_]*$"  # a level's, pathway's or domain's code
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=CODE_PATTERN)]
Name = Annotated[str, Field(min_length=1, max_length=120)]
Title = Annotated[str, Field(min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=2000)]
LongText = Annotated[str, Field(max_length=4000)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)
