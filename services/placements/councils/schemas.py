"""Response model of the council reference table."""

from pydantic import BaseModel


class CouncilPublic(BaseModel):
    code: str
    ons_code: str
    name: str
    region_code: str
    region_name: str
    academy_member: bool
