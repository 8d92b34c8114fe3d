"""The series of census years a report is asked for (from_census_year to to_census_year), and its one check."""

from pydantic import BaseModel, ConfigDict, Field

from services.common.errors import invalid

FIRST, LAST = 2010, 2100
CENSUS_YEAR = "Census year N: 1 Oct N-1 to 30 Sep N"
MOST_YEARS = 30  # the reports computed year by year take at most 30 years after the first


class CensusYears(BaseModel):
    """from_census_year to to_census_year, as query parameters (`Annotated[CensusYears, Query()]`); a year left
    out is the report's default."""

    model_config = ConfigDict(frozen=True)

    from_census_year: int | None = Field(None, ge=FIRST, le=LAST, description=CENSUS_YEAR)
    to_census_year: int | None = Field(None, ge=FIRST, le=LAST, description=CENSUS_YEAR)

    @property
    def given(self) -> bool:
        """Whether either year is given."""
        return self.from_census_year is not None or self.to_census_year is not None

    def series(self, first: int | None = None, last: int | None = None, most: int | None = None) -> list[int]:
        """The census years asked for, `first` and `last` standing for a year left out (the caller gives them
        where it allows that); a 422 when the series runs backwards, or (with `most`) on past `most` years."""
        first, last = self.from_census_year or first, self.to_census_year or last
        if first is None or last is None:
            raise ValueError("a census year left out, and no default for it")
        if last < first or (most is not None and last - first > most):
            later = "" if most is None else f", at most {most} years later"
            problem = "before from_census_year" if last < first else f"more than {most} years after from_census_year"
            detail = f"to_census_year must be at or after from_census_year{later}."
            raise invalid(["query", "to_census_year"], "out_of_range", problem, detail=detail)
        return list(range(first, last + 1))
