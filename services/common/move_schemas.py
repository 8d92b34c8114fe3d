"""The moves of a census year from one member council to another, as the API answers them.

Placements' matrix (`GET /v1/placements/movements`) and analytics' movement report (`GET /v1/analytics/movements`)
run the same SQL (services/common/moves.py) and answer the same pairs and counts: each names its own schema for
the pair (with what its FTE means) on this one shape.
"""

from decimal import Decimal
from typing import Self

from pydantic import BaseModel, Field

from services.common.moves import MovePair
from services.common.rounding import half_up


class MovePairPublic(BaseModel):
    from_council: str
    to_council: str
    headcount: int
    fte: Decimal
    agency_headcount: int = Field(description="of whom started as agency workers")

    @classmethod
    def of(cls, pair: MovePair) -> Self:
        """The pair with its FTE to one decimal place, half up, as the DfE publishes."""
        return cls(
            from_council=pair.from_council,
            to_council=pair.to_council,
            headcount=pair.headcount,
            fte=half_up(pair.fte),
            agency_headcount=pair.agency_headcount,
        )
