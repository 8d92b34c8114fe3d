"""The origin-destination matrix of moves between the academy's member councils, with net flows."""

from decimal import Decimal

from sqlmodel import Session

from services.analytics import workforce_sql
from services.analytics.measures import half_up
from services.analytics.schemas import CouncilFlow, Move, MovementReport
from services.analytics.workforce import require_reader
from services.common.auth import Principal


def movement_report(session: Session, principal: Principal, year: int, window_days: int) -> MovementReport:
    """Every reader, a council's HR included, sees the whole matrix: it holds only aggregates.

    A move is defined in workforce_sql.move_counts; each member council is listed, moves or not."""
    require_reader(principal)
    known = workforce_sql.councils(session)
    members = sorted(code for code, row in known.items() if row.academy_member)
    moves = workforce_sql.move_counts(session, year, members, window_days)
    flows = {code: [0, Decimal(0), 0, Decimal(0)] for code in members}  # in people, in FTE, out, out FTE
    for move in moves:
        flows[move.to_council][0] += move.headcount
        flows[move.to_council][1] += move.fte
        flows[move.from_council][2] += move.headcount
        flows[move.from_council][3] += move.fte
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
        year=year,
        movement_window_days=window_days,
        moves=[
            Move(
                from_council=move.from_council,
                to_council=move.to_council,
                headcount=move.headcount,
                fte=half_up(move.fte),
                agency_headcount=move.agency_headcount,
            )  # fmt: skip
            for move in moves
        ],
        councils=councils,
        total_headcount=sum(move.headcount for move in moves),
        total_fte=half_up(sum((move.fte for move in moves), Decimal(0))),
    )
