"""Reference data shipped with the product: the DfE's published workforce indicators and their councils."""

import csv
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from sqlmodel import Session, select

from services.common.models import Council

INDICATORS_CSV = Path(__file__).parent / "reference" / "csww_indicators_2017_to_2025.csv"
WEST_MIDLANDS = "E12000005"
ENGLAND = "E92000001"
# The academy's 14 members: the councils and children's trusts of the West Midlands region.
ACADEMY_MEMBERS = frozenset(
    {"330", "331", "332", "333", "334", "335", "336", "884", "885", "860", "861", "893", "894", "937"}
)


def published_rows() -> Iterator[dict[str, str]]:
    with INDICATORS_CSV.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


@lru_cache
def councils_from_indicators() -> tuple[Council, ...]:
    """Every council in the data set, newest name first; combined rows ("940 / 941") are split."""
    found: dict[str, Council] = {}
    rows = sorted(
        (r for r in published_rows() if r["geographic_level"] == "Local authority"),
        key=lambda r: r["time_period"],
        reverse=True,
    )
    for row in rows:
        codes = [c.strip() for c in row["old_la_code"].split("/")]
        ons_codes = [c.strip() for c in row["new_la_code"].split("/")]
        names = [n.strip() for n in row["la_name"].split("/")]
        if not (len(codes) == len(ons_codes) == len(names)):
            continue
        for code, ons_code, name in zip(codes, ons_codes, names, strict=True):
            found.setdefault(
                code,
                Council(
                    code=code,
                    ons_code=ons_code,
                    name=name,
                    region_code=row["region_code"],
                    region_name=row["region_name"],
                    academy_member=code in ACADEMY_MEMBERS,
                ),
            )
    return tuple(sorted(found.values(), key=lambda c: c.code))


def load_councils(session: Session) -> int:
    """Insert or refresh the council table; safe to run on every start."""
    existing = {c.code: c for c in session.exec(select(Council))}
    for council in councils_from_indicators():
        row = existing.get(council.code)
        if row is None:
            session.add(Council.model_validate(council.model_dump()))
        else:
            for name, value in council.model_dump().items():
                setattr(row, name, value)
    session.commit()
    return len(councils_from_indicators())
