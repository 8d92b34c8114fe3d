"""A change (PATCH) body, the one way every service takes one: a field left out keeps its value; a field sent
as null clears it, which only the fields the resource may leave empty (`nullable`) allow; any other field
sent as null answers 422 `null_not_allowed` at that field. The service applies what was sent with
`row.sqlmodel_update(body.model_dump(exclude_unset=True))`."""

from typing import Any, ClassVar

from pydantic import BaseModel, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError


class Changes(BaseModel):
    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*")
    @classmethod
    def _null_only_where_allowed(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise PydanticCustomError("null_not_allowed", "this field cannot be null; leave it out to keep it")
        return value
