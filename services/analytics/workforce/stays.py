"""Time in post: the spells behind the retention curves, grouped by days, set-based."""

from datetime import date

from sqlalchemy import Date, Integer, String, and_, case, func, literal, or_, select
from sqlalchemy import cast as sql_cast
from sqlmodel import Session

from services.analytics.workforce.tables import dialect_name, employment, employment_year, sum_if
from services.analytics.workforce.totals import last_reference_year
from services.common import moves
from services.common.census_calendar import census_reference_date

FAR_FUTURE = date(3000, 1, 1)  # an open spell's end, for the running reach of a person's spells


def latest_reference_dates(session: Session, members: list[str], today: date) -> dict[str, date]:
    """Each member council's latest 30 September (not after `today`) whose census year its records hold."""
    ey = employment_year.c
    query = (
        select(ey.council, func.max(ey.census_year))
        .where(ey.council.in_(members), ey.census_year <= last_reference_year(today))
        .group_by(ey.council)
    )
    return {code: census_reference_date(year) for code, year in session.execute(query)}


def _days_between(later, earlier, dialect: str):
    if dialect == "sqlite":  # dates are text there
        return sql_cast(func.julianday(later) - func.julianday(earlier), Integer)
    return later - earlier


def _stays_in_region(members: list[str], window_days: int, dialect: str):
    """Every spell (employed or agency) at a member council, with the end of the person's stay in the region it
    belongs to: a stay runs on while each next spell of theirs at any member council starts at most the move
    window's days after the latest end so far (an open spell never ends). `first_employed` marks a stay's
    earliest employed spell. Windows over each person's spells ordered by start: no row joins another."""
    e = employment.c
    reach = func.coalesce(e.end_date, literal(FAR_FUTURE, Date))
    in_order = (e.start_date, e.id)
    ordered = select(
        e.id, e.person, e.council, e.agency, e.org_role, e.start_date, e.end_date, reach.label("reach"),
        func.max(reach).over(partition_by=e.person, order_by=in_order, rows=(None, -1)).label("reach_before"),
    ).where(e.council.in_(members)).subquery("ordered")  # fmt: skip
    o = ordered.c
    gap = or_(o.reach_before.is_(None), o.start_date > moves.add_days(o.reach_before, window_days, dialect))
    numbered = select(
        *o, func.sum(case((gap, 1), else_=0)).over(partition_by=o.person, order_by=(o.start_date, o.id)).label("stay")
    ).subquery("numbered")
    n = numbered.c
    return select(
        *n,
        func.max(n.reach).over(partition_by=(n.person, n.stay)).label("stay_ends"),
        func.row_number()
        .over(partition_by=(n.person, n.stay, n.agency), order_by=(n.start_date, n.id))
        .label("nth_of_kind"),
    ).subquery("stays")


def _censor_table(censor_at: dict[str, date]):
    rows = [
        select(literal(code, String).label("council"), literal(day, Date).label("censor_at"))
        for code, day in sorted(censor_at.items())
    ]
    return (rows[0].union_all(*rows[1:]) if len(rows) > 1 else rows[0]).subquery("censoring")


def time_in_post(
    session: Session,
    members: list[str],
    censor_at: dict[str, date],
    *,
    council: str | None,
    stay: str,
    first_start: date,
    org_role: int | None = None,
    started: tuple[date, date] | None = None,
    window_days: int = 180,
) -> list[tuple[int, int, int]]:
    """(days, events, censored) for the subjects of a retention curve, grouped by days: set-based.

    Subjects: employed spells started at `council` (any member when None) from `first_start` up to its
    censoring date, optionally of one OrgRole and started in the `started` days. `stay` "council": the event is
    the spell's end; "region": the end of the person's stay in the region (a member council's spell, employed
    or agency, starting within the move window after each end keeps them in it), and without a council only the
    first employed spell of each stay is a subject. Not ended by the censoring date (the subject's council's
    latest 30 September with records; for the region, the latest of any member): censored there."""
    if not censor_at:
        return []
    dialect = dialect_name(session)
    stays = _stays_in_region(members, window_days, dialect)
    s = stays.c
    censoring = _censor_table(censor_at)
    region_censor = literal(max(censor_at.values()), Date)
    censor = censoring.c.censor_at if stay == "council" else region_censor
    ended = s.end_date if stay == "council" else s.stay_ends
    event = and_(ended.is_not(None), ended <= censor)
    subjects = and_(s.agency.is_(False), s.start_date >= first_start, s.start_date <= censor)
    if council is not None:
        subjects = and_(subjects, s.council == council)
    elif stay == "region":
        subjects = and_(subjects, s.nth_of_kind == 1)
    if org_role is not None:
        subjects = and_(subjects, s.org_role == org_role)
    if started is not None:
        subjects = and_(subjects, s.start_date >= started[0], s.start_date <= started[1])
    stops = (
        select(
            _days_between(case((event, ended), else_=censor), s.start_date, dialect).label("days"),
            case((event, 1), else_=0).label("event"),
        )
        .select_from(stays)
        .join(censoring, censoring.c.council == s.council)
        .where(subjects)
        .subquery("stops")
    )
    query = (
        select(stops.c.days, sum_if(stops.c.event == 1, 1), sum_if(stops.c.event == 0, 1))
        .group_by(stops.c.days)
        .order_by(stops.c.days)
    )
    return [(int(days), int(events), int(censored)) for days, events, censored in session.execute(query)]
