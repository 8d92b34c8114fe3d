"""The origin-destination matrix of moves between the academy's member councils, with net flows."""

from decimal import Decimal

from sqlmodel import Session

from services.analytics.access import require_reader
from services.analytics.retention.schemas import CouncilFlow, Move, MovementReport
from services.analytics.workforce import tables
from services.common.auth import Principal
from services.common.moves import move_pairs
from services.common.rounding import half_up


def movement_report(session: Session, principal: Principal, year: int, window_days: int) -> MovementReport:
    """Every reader, a council's HR included, sees the whole matrix: it holds only aggregates.

    A move is defined in services/common/moves.py, as placements counts it; each member council is listed,
    moves or not."""
    require_reader(principal)
    known = tables.councils(session)
    members = tables.member_codes(known)
    pairs = move_pairs(session, year, members, window_days)
    flows = {code: [0, Decimal(0), 0, Decimal(0)] for code in members}  # in people, in FTE, out, out FTE
    for pair in pairs:
        flows[pair.to_council][0] += pair.headcount
        flows[pair.to_council][1] += pair.fte
        flows[pair.from_council][2] += pair.headcount
        flows[pair.from_council][3] += pair.fte
    councils = [
        CouncilFlow(
            code=code,
            name=known[code].name,
            moved_in_headcount=in_hc,
            moved_in_fte=half_up(in_fte),
            moved_out_headcount=out_hc,
            moved_out_fte=half_up(out_fte),
            net_headcount=in_hc - out_hc,
            net_fte=half_up(in_fte - out_fte),
        )  # fmt: skip
        for code, (in_hc, in_fte, out_hc, out_fte) in flows.items()
    ]
    return MovementReport(
        census_year=year,
        movement_window_days=window_days,
        moves=[Move.of(pair) for pair in pairs],
        councils=councils,
        total_headcount=sum(pair.headcount for pair in pairs),
        total_fte=half_up(sum((pair.fte for pair in pairs), Decimal(0))),
    )
