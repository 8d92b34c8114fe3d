"""Return to Social Work rules that need no database: eligibility and its explanation, updating days,
the stage funnel, updating progress and retention (rules.md, "Return to Social Work", "Registration").

Boundary semantics (decided here, where the rules say "2 to 5 years"):
- "N years away" is reached on the Nth anniversary of the date counted from (29 Feb falls on 1 Mar in a
  common year: the anniversary has not come before then).
- Under 2 years (before the 2nd anniversary): 0 updating days. From the 2nd anniversary up to and
  including the 5th: 30 days. After the 5th anniversary (from the day after it): 60 days.
- A cohort's window of years away includes both ends: exactly its minimum and exactly its maximum
  are inside it; the day before the minimum's anniversary and the day after the maximum's are not.
"""

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from services.common.dates import anniversary, months_later
from services.common.swe import normalise_swe
from services.common.transitions import Transitions

# --- Registration numbers ----------------------------------------------------------------------


def normalise_registration(raw: str) -> str:
    """A previous HCPC or SWE registration number as SWE numbers are stored (services/common/swe.py): `SW` +
    digits without leading zeros, any case and stray spaces on input; the HCPC's SW000123 is SWE's SW123."""
    try:
        return normalise_swe(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a registration number (SW followed by up to ten digits)") from None


# --- Dates (anniversaries and months as services/common/dates.py counts them) -------------------


def complete_years(since: date, on: date) -> tuple[int, int]:
    """Whole years from `since` to `on`, and the days beyond the last anniversary."""
    years = on.year - since.year
    if anniversary(since, years) > on:
        years -= 1
    return years, (on - anniversary(since, years)).days


# --- Regulator rule and updating days ----------------------------------------------------------


class Regulator(StrEnum):
    hcpc = "HCPC"
    swe = "SWE"


@dataclass(frozen=True)
class UpdatingBand:
    """Updating days the regulator requires for a span of years away. The band ends at the anniversary
    `up_to_years` (None: no end), on it when `includes_end`, the day before it otherwise."""

    code: str
    label: str
    days: int
    up_to_years: int | None
    includes_end: bool


UPDATING_BANDS: tuple[UpdatingBand, ...] = (
    UpdatingBand("under_2_years", "under 2 years away: no updating", 0, 2, False),
    UpdatingBand("2_to_5_years", "2 to 5 years away (both included): at least 30 days", 30, 5, True),
    UpdatingBand("over_5_years", "over 5 years away: at least 60 days", 60, None, False),
)


def updating_band(counted_from: date, on: date, bands: Sequence[UpdatingBand] = UPDATING_BANDS) -> UpdatingBand:
    for band in bands:
        if band.up_to_years is None:
            return band
        end = anniversary(counted_from, band.up_to_years)
        if on < end or (band.includes_end and on == end):
            return band
    raise ValueError("the updating bands must end with an open band")


def regulator_on(application_date: date, swe_rules_from: date) -> Regulator:
    """The regulator whose rule is in force on the application date."""
    return Regulator.hcpc if application_date < swe_rules_from else Regulator.swe


# --- Eligibility -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortRules:
    """A cohort's eligibility rules, as the cohort stores them."""

    min_years_away: int
    max_years_away: int
    min_statutory_practice_years: Decimal
    hours_per_day: Decimal


@dataclass(frozen=True)
class ApplicationFacts:
    application_date: date
    date_last_practised: date
    date_left_register: date
    years_statutory_practice: Decimal


@dataclass(frozen=True)
class RuleCheck:
    rule: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class Eligibility:
    """The decision and everything needed to explain it."""

    eligible: bool
    decided_by: str
    reason: str
    regulator: Regulator
    regulator_rule: str
    counted_from: date
    counted_from_field: str
    application_date: date
    complete_years_away: int
    days_beyond: int
    updating_band: str
    updating_days_required: int
    updating_hours_required: Decimal
    hours_per_day: Decimal
    checks: tuple[RuleCheck, ...] = field(default_factory=tuple)


def assess_eligibility(
    facts: ApplicationFacts,
    rules: CohortRules,
    swe_rules_from: date,
    bands: Sequence[UpdatingBand] = UPDATING_BANDS,
) -> Eligibility:
    """Is this application eligible for the cohort, which rule decided, and how many updating days does
    the regulator rule in force on the application date require?

    The same years away (counted by that rule) decide the cohort's window and the updating days.
    """
    regulator = regulator_on(facts.application_date, swe_rules_from)
    if regulator is Regulator.hcpc:
        counted_from, counted_field = facts.date_last_practised, "date_last_practised"
        rule_text = (
            f"HCPC rule (application before {swe_rules_from.isoformat()}): years away are counted from "
            f"the last day of practice, {counted_from.isoformat()}"
        )
    else:
        counted_from, counted_field = facts.date_left_register, "date_left_register"
        rule_text = (
            f"Social Work England rule (application on or after {swe_rules_from.isoformat()}): years away "
            f"are counted from leaving the register, {counted_from.isoformat()}"
        )
    on = facts.application_date
    years, days = complete_years(counted_from, on)
    away_text = f"{years} complete year(s) and {days} day(s) away on {on.isoformat()}"
    band = updating_band(counted_from, on, bands)

    minimum_reached = anniversary(counted_from, rules.min_years_away)
    maximum_ends = anniversary(counted_from, rules.max_years_away)
    checks = (
        RuleCheck(
            "statutory_practice",
            facts.years_statutory_practice >= rules.min_statutory_practice_years,
            f"{facts.years_statutory_practice} year(s) of statutory practice; the cohort asks for at least "
            f"{rules.min_statutory_practice_years}",
        ),
        RuleCheck(
            "minimum_years_away",
            on >= minimum_reached,
            f"{away_text}; the cohort asks for at least {rules.min_years_away} year(s), reached on "
            f"{minimum_reached.isoformat()}",
        ),
        RuleCheck(
            "maximum_years_away",
            on <= maximum_ends,
            f"{away_text}; the cohort allows at most {rules.max_years_away} year(s), up to and including "
            f"{maximum_ends.isoformat()}",
        ),
    )
    failed = next((check for check in checks if not check.passed), None)
    if failed is None:
        decided_by, reason = "all_rules_met", f"Eligible: {away_text}, within the cohort's rules."
    else:
        decided_by, reason = failed.rule, f"Not eligible: {failed.detail}."
    return Eligibility(
        eligible=failed is None,
        decided_by=decided_by,
        reason=reason,
        regulator=regulator,
        regulator_rule=rule_text,
        counted_from=counted_from,
        counted_from_field=counted_field,
        application_date=on,
        complete_years_away=years,
        days_beyond=days,
        updating_band=band.code,
        updating_days_required=band.days,
        updating_hours_required=band.days * rules.hours_per_day,
        hours_per_day=rules.hours_per_day,
        checks=checks,
    )


# --- The stage funnel --------------------------------------------------------------------------


class Stage(StrEnum):
    enquiry = "enquiry"
    applied = "applied"
    shortlisted = "shortlisted"
    assessed = "assessed"
    offered = "offered"
    pre_employment_checks = "pre_employment_checks"
    in_training = "in_training"
    supervised_practice = "supervised_practice"
    restoration_applied = "restoration_applied"
    restored = "restored"
    employed = "employed"
    withdrawn = "withdrawn"
    not_eligible = "not_eligible"
    not_selected = "not_selected"


class Action(StrEnum):
    apply = "apply"
    shortlist = "shortlist"
    assess = "assess"
    offer = "offer"
    start_checks = "start_checks"
    start_training = "start_training"
    start_supervised_practice = "start_supervised_practice"
    apply_for_restoration = "apply_for_restoration"
    restore = "restore"
    employ = "employ"
    withdraw = "withdraw"
    rule_not_eligible = "rule_not_eligible"
    not_select = "not_select"


# The programme's funnel in order (the stages outcomes count and convert between).
FUNNEL: tuple[Stage, ...] = (
    Stage.enquiry,
    Stage.applied,
    Stage.shortlisted,
    Stage.assessed,
    Stage.offered,
    Stage.pre_employment_checks,
    Stage.in_training,
    Stage.supervised_practice,
    Stage.restoration_applied,
    Stage.restored,
    Stage.employed,
)
OFF_RAMPS: tuple[Stage, ...] = (Stage.withdrawn, Stage.not_eligible, Stage.not_selected)
TALENT_POOL = Stage.not_selected
_FORWARD = dict(zip(FUNNEL[:-1], zip(FUNNEL[1:], strict=True), strict=True))
_FORWARD_ACTIONS: dict[Stage, Action] = {
    Stage.enquiry: Action.apply,
    Stage.applied: Action.shortlist,
    Stage.shortlisted: Action.assess,
    Stage.assessed: Action.offer,
    Stage.offered: Action.start_checks,
    Stage.pre_employment_checks: Action.start_training,
    Stage.in_training: Action.start_supervised_practice,
    Stage.supervised_practice: Action.apply_for_restoration,
    Stage.restoration_applied: Action.restore,
    Stage.restored: Action.employ,
}

TRANSITIONS: dict[tuple[Stage, Action], Stage] = {
    **{(stage, action): _FORWARD[stage][0] for stage, action in _FORWARD_ACTIONS.items()},
    # Anyone not yet employed may leave the programme.
    **{(stage, Action.withdraw): Stage.withdrawn for stage in FUNNEL[:-1]},
    # Ruled out on eligibility: at application, or when documents are checked before assessment.
    **{
        (stage, Action.rule_not_eligible): Stage.not_eligible
        for stage in (Stage.enquiry, Stage.applied, Stage.shortlisted)
    },
    # Not taken on by selection: into the talent pool councils recruit from.
    **{(stage, Action.not_select): Stage.not_selected for stage in (Stage.applied, Stage.shortlisted, Stage.assessed)},
}
# The funnel's moves: MOVES.next(stage, action) or InvalidTransition naming what the stage allows.
MOVES: Transitions[Stage, Action] = Transitions(TRANSITIONS)

# Stages in which a cohort place is held (offer counted against the cohort's capacity).
HOLDING_A_PLACE: frozenset[Stage] = frozenset(FUNNEL[FUNNEL.index(Stage.offered) :])
# Stages in which a host council may be matched, and updating may be logged.
MATCHABLE: frozenset[Stage] = frozenset({Stage.offered, Stage.pre_employment_checks, Stage.in_training})
UPDATING_STAGES: frozenset[Stage] = frozenset(
    FUNNEL[FUNNEL.index(Stage.applied) : FUNNEL.index(Stage.restoration_applied) + 1]
)


# --- Updating log and progress -----------------------------------------------------------------


class ActivityKind(StrEnum):
    supervised_practice = "supervised_practice"
    formal_study = "formal_study"
    private_study = "private_study"


SUPERVISOR_MIN_YEARS_REGISTERED = Decimal(3)
PRIVATE_STUDY_SHARE = Decimal("0.5")
UPDATING_WINDOW_YEARS = 1  # all updating falls within the 12 months before the restoration application


def supervisor_refusal(years_registered: Decimal, fitness_to_practise_sanction: bool) -> tuple[str, str] | None:
    """Why a supervisor cannot supervise updating (the field at fault and the reason), or None (rules.md)."""
    if years_registered < SUPERVISOR_MIN_YEARS_REGISTERED:
        return "supervisor_years_registered", (
            f"The supervisor has been registered {years_registered} year(s); a supervisor must have been "
            f"registered at least {SUPERVISOR_MIN_YEARS_REGISTERED} years."
        )
    if fitness_to_practise_sanction:
        return (
            "supervisor_fitness_to_practise_sanction",
            "The supervisor has a fitness-to-practise sanction; a supervisor must have none.",
        )
    return None


@dataclass(frozen=True)
class LoggedActivity:
    reference: str
    kind: ActivityKind
    started_on: date
    ended_on: date
    hours: Decimal


@dataclass(frozen=True)
class ExcludedActivity:
    reference: str
    reason: str


@dataclass(frozen=True)
class UpdatingProgress:
    window_start: date
    window_end: date
    window_ends_at: str
    required_days: int
    hours_per_day: Decimal
    days_by_kind: dict[str, Decimal]
    private_study_cap_days: Decimal
    private_study_days_counted: Decimal
    counted_days: Decimal
    remaining_days: Decimal
    complete: bool
    excluded: tuple[ExcludedActivity, ...]


def updating_window(window_end: date) -> tuple[date, date]:
    """The 12 months before (and including) `window_end`: from its anniversary a year earlier."""
    return anniversary(window_end, -UPDATING_WINDOW_YEARS), window_end


def updating_progress(
    activities: Iterable[LoggedActivity],
    required_days: int,
    hours_per_day: Decimal,
    window_end: date,
    window_ends_at: str = "today",
) -> UpdatingProgress:
    """Days counted toward the required updating: only activities lying wholly within the 12 months
    before `window_end` (the restoration application, or today before it), private study capped at
    half the required days."""
    start, end = updating_window(window_end)
    days = {kind.value: Decimal(0) for kind in ActivityKind}
    excluded = []
    for activity in activities:
        if activity.started_on < start:
            excluded.append(
                ExcludedActivity(activity.reference, f"started before the window opened on {start.isoformat()}")
            )
        elif activity.ended_on > end:
            excluded.append(ExcludedActivity(activity.reference, f"ended after the window closed on {end.isoformat()}"))
        else:
            days[activity.kind.value] += activity.hours / hours_per_day
    cap = required_days * PRIVATE_STUDY_SHARE
    private = min(days[ActivityKind.private_study.value], cap)
    counted = days[ActivityKind.supervised_practice.value] + days[ActivityKind.formal_study.value] + private
    remaining = max(Decimal(0), required_days - counted)
    return UpdatingProgress(
        window_start=start,
        window_end=end,
        window_ends_at=window_ends_at,
        required_days=required_days,
        hours_per_day=hours_per_day,
        days_by_kind={kind: _two_places(value) for kind, value in days.items()},
        private_study_cap_days=_two_places(cap),
        private_study_days_counted=_two_places(private),
        counted_days=_two_places(counted),
        remaining_days=_two_places(remaining, up=True),
        complete=counted >= required_days,
        excluded=tuple(excluded),
    )


def _two_places(value: Decimal, up: bool = False) -> Decimal:
    # Shown rounded toward "not done yet", so 29.999 days never displays as 30.
    return value.quantize(Decimal("0.01"), rounding="ROUND_UP" if up else "ROUND_DOWN")


# --- Outcomes ----------------------------------------------------------------------------------


def in_post_after(start: date, end: date | None, months: int, as_of: date) -> bool | None:
    """Still in post `months` after starting (None: that date has not come yet on `as_of`)."""
    due = months_later(start, months)
    if due > as_of:
        return None
    return end is None or end >= due


def median_days(spans: Iterable[int]) -> float | None:
    values = list(spans)
    return float(statistics.median(values)) if values else None


def conversion(reached_from: int, reached_to: int) -> float | None:
    return round(reached_to / reached_from, 4) if reached_from else None
