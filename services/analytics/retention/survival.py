"""Retention curves: the Kaplan-Meier estimate that a permanent social worker is still in post t years after
starting, with the council and in the region, and its exponential Greenwood confidence band.

The subjects and their times come from time_in_post (set-based, grouped by days); the estimate
itself is a plain function of those groups, the same estimator and band as lifelines' KaplanMeierFitter.
"""

import math
from dataclasses import dataclass
from datetime import date
from statistics import NormalDist

from sqlmodel import Session

from services.analytics.access import member_councils
from services.analytics.retention.schemas import RetentionCurve, RetentionCurveReport, SurvivalPoint
from services.analytics.workforce.stays import latest_reference_dates, time_in_post
from services.common.auth import Principal
from services.common.census_calendar import census_reference_date, census_year_start

DAYS_A_YEAR = 365.25
DATA_FROM = census_year_start(2017)  # 1 October 2016: starters before the data window are left out
CONFIDENCE = 0.95
BAND = "exponential Greenwood (log(-log) transform), as lifelines' KaplanMeierFitter; 1 where the estimate is 1"
CURVES = {
    "council": "still in post with the council: the event is the spell's end",
    "region": "still in post in the region: at any member council (matched by SWE number), employed or agency, "
    "each next start within the move window of the last end",
}


@dataclass(frozen=True)
class Estimate:
    years: float
    survival: float
    lower: float
    upper: float
    at_risk: int
    events: int
    censored: int


def kaplan_meier(groups: list[tuple[int, int, int]], confidence: float = CONFIDENCE) -> list[Estimate]:
    """The estimate at time 0 and at each time observed, from (days, events, censored) groups.

    S(t) is the product over event times u <= t of (1 - d_u / n_u), n_u those still observed at u (computed as
    the exponential of a sum of logs). The band is
    exp(-exp(log(-log S) -/+ z sqrt(V) / log S)) with V the Greenwood sum of d / (n (n - d)) (a term where
    everyone at risk has the event adds nothing), z the normal quantile of (1 + confidence) / 2."""
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    by_days: dict[int, list[int]] = {}
    for days, events, censored in groups:
        held = by_days.setdefault(days, [0, 0])
        held[0] += events
        held[1] += censored
    at_risk = sum(events + censored for events, censored in by_days.values())
    points = [Estimate(0.0, 1.0, 1.0, 1.0, at_risk, 0, 0)] if 0 not in by_days else []
    log_survival, greenwood = 0.0, 0.0
    for days in sorted(by_days):
        events, censored = by_days[days]
        if events:
            # a sum of logs, as lifelines sums them: the same float at every step, so the same median
            if at_risk > events:
                log_survival += math.log(at_risk - events) - math.log(at_risk)
                greenwood += events / (at_risk * (at_risk - events))
            else:
                log_survival = -math.inf
        survival = math.exp(log_survival)
        points.append(Estimate(days / DAYS_A_YEAR, survival, *_band(survival, greenwood, z), at_risk, events, censored))
        at_risk -= events + censored
    return points


def _band(survival: float, greenwood: float, z: float) -> tuple[float, float]:
    if survival >= 1.0:
        return 1.0, 1.0
    if survival <= 0.0:
        return 0.0, 0.0
    log_s = math.log(survival)
    spread = z * math.sqrt(greenwood) / log_s  # negative: log S < 0
    return math.exp(-math.exp(math.log(-log_s) - spread)), math.exp(-math.exp(math.log(-log_s) + spread))


def median_years(points: list[Estimate]) -> float | None:
    """The first time the estimate is at or below one half; None when it never gets there."""
    return next((point.years for point in points if point.survival <= 0.5), None)


def _curve(stay: str, groups: list[tuple[int, int, int]]) -> RetentionCurve:
    points = kaplan_meier(groups)
    median = median_years(points)
    return RetentionCurve(
        stay=stay,
        label=CURVES[stay],
        subjects=sum(events + censored for _, events, censored in groups),
        events=sum(events for _, events, _ in groups),
        censored=sum(censored for _, _, censored in groups),
        median_years=median,
        median_reason=None if median is not None else "not reached: the estimate stays above one half",
        points=[SurvivalPoint(**point.__dict__) for point in points],
    )


def retention_curves(
    session: Session,
    principal: Principal,
    council: str | None,
    org_role: int | None,
    started_census_year: int | None,
    window_days: int,
    today: date,
) -> RetentionCurveReport:
    """The curves of staying with the council and in the region, for one member council or (none named) for
    every member council's spells together. A council's HR may ask for its own council or the region; another
    council answers 404, like one that is not a member."""
    known, members = member_councils(session, principal, council)
    censor_at = latest_reference_dates(session, members, today)
    started = None
    if started_census_year is not None:
        started = (census_year_start(started_census_year), census_reference_date(started_census_year))
    choices = {"org_role": org_role, "started": started, "window_days": window_days}
    curves = [
        _curve(
            stay,
            time_in_post(session, members, censor_at, council=council, stay=stay, first_start=DATA_FROM, **choices),
        )  # fmt: skip
        for stay in CURVES
    ]
    if council is not None:
        code, name, level, covered = council, known[council].name, "council", [council]
    else:
        code, name, level, covered = known[members[0]].region_code, known[members[0]].region_name, "region", members
    return RetentionCurveReport(
        code=code, name=name, level=level, councils=covered, org_role=org_role,
        started_census_year=started_census_year, data_from=DATA_FROM,
        censored_at={c: day for c, day in censor_at.items() if c in covered}, movement_window_days=window_days,
        confidence=CONFIDENCE, band=BAND, curves=curves,
    )  # fmt: skip
