"""Pure career-pathway rules: SWE numbers, the CPD registration year, post-qualifying experience, ASYE
reviews, what the next level needs, and the progression application's transitions. No database, no
clock: every rule that depends on the date is given `today`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from services.common.dates import add_months
from services.common.registration_year import registration_year_ending, registration_year_of
from services.common.transitions import InvalidTransition as InvalidTransition
from services.common.transitions import Transitions

# --- CPD and the SWE registration year --------------------------------------------------------

CPD_MIN_RECORDS = 2
CPD_MIN_PEER_REFLECTED = 1


@dataclass(frozen=True, slots=True)
class CpdFact:
    """What the rules need of one CPD record."""

    activity_on: date
    hours: Decimal
    peer_reflection: bool


@dataclass(frozen=True, slots=True)
class CpdYearCheck:
    year: int
    starts_on: date
    ends_on: date
    days_left: int
    records: int
    records_required: int
    peer_reflected: int
    peer_reflected_required: int
    met: bool
    missing: list[str]


def check_registration_year(
    records: Iterable[CpdFact],
    today: date,
    year: int | None = None,
    min_records: int = CPD_MIN_RECORDS,
    min_peer_reflected: int = CPD_MIN_PEER_REFLECTED,
) -> CpdYearCheck:
    """The SWE CPD requirement for a registration year (default: the one `today` is in).

    Records dated inside the year count. `days_left` counts today: 1 on 30 November, 0 once the year
    is over, the whole year's length before it starts.
    """
    year = registration_year_of(today) if year is None else year
    starts_on, ends_on = registration_year_ending(year)
    counted = [record for record in records if starts_on <= record.activity_on <= ends_on]
    peer = sum(1 for record in counted if record.peer_reflection)
    missing = []
    if len(counted) < min_records:
        needed = min_records - len(counted)
        missing.append(f"{needed} more CPD record{'s' if needed > 1 else ''} dated by {ends_on.isoformat()}")
    if peer < min_peer_reflected:
        needed = min_peer_reflected - peer
        missing.append(
            f"{needed} more CPD record{'s' if needed > 1 else ''} with peer reflection dated by {ends_on.isoformat()}"
        )
    days_left = (ends_on - max(today, starts_on)).days + 1 if today <= ends_on else 0
    return CpdYearCheck(
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
        days_left=days_left,
        records=len(counted),
        records_required=min_records,
        peer_reflected=peer,
        peer_reflected_required=min_peer_reflected,
        met=not missing,
        missing=missing,
    )


def cpd_hours_last_12_months(records: Iterable[CpdFact], today: date) -> Decimal:
    """Hours of CPD dated after the same day a year ago, up to and including today."""
    since = add_months(today, -12)
    return sum((record.hours for record in records if since < record.activity_on <= today), Decimal(0))


# --- Post-qualifying experience ----------------------------------------------------------------

DAYS_PER_YEAR = 365


@dataclass(frozen=True, slots=True)
class Spell:
    """One spell of registered social work at a council, as placements holds it."""

    council: str
    agency: bool
    start_date: date
    end_date: date | None  # last day in post; None while in post


@dataclass(frozen=True, slots=True)
class Experience:
    days: int
    years: Decimal
    councils: list[str]


def post_qualifying_experience(spells: Iterable[Spell], today: date) -> Experience:
    """Days of registered social work up to today, overlapping days once.

    Every spell placements holds is a registered social worker's, so all of it is post-qualifying:
    employed and agency spells alike. A spell still open runs to today; days after today do not
    count. Years are days / 365, rounded down to hundredths (two calendar years are 2.00).
    """
    intervals = sorted(
        (spell.start_date, min(spell.end_date or today, today))
        for spell in spells
        if spell.start_date <= today and (spell.end_date is None or spell.end_date >= spell.start_date)
    )
    days = 0
    current: tuple[date, date] | None = None
    for start, end in intervals:
        if current is None or start > current[1] + timedelta(days=1):
            if current is not None:
                days += (current[1] - current[0]).days + 1
            current = (start, end)
        elif end > current[1]:
            current = (current[0], end)
    if current is not None:
        days += (current[1] - current[0]).days + 1
    years = (Decimal(days) / DAYS_PER_YEAR).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    councils = sorted({spell.council for spell in spells if spell.start_date <= today})
    return Experience(days=days, years=years, councils=councils)


def councils_in_post(spells: Iterable[Spell], today: date) -> list[str]:
    """The councils where a spell is in post today, the most recently started first."""
    current = sorted(
        (
            spell
            for spell in spells
            if spell.start_date <= today and (spell.end_date is None or spell.end_date >= today)
        ),
        key=lambda spell: spell.start_date,
        reverse=True,
    )
    seen: list[str] = []
    for spell in current:
        if spell.council not in seen:
            seen.append(spell.council)
    return seen


def employer(spells: Iterable[Spell], today: date) -> str | None:
    """The council that employs the worker now, and so reads and manages their career record: of the
    permanent (non-agency) spells in post today, the one that started first. A spell recorded later by
    another council, or one still to start, or agency work, never displaces an employer whose spell is
    open (docs/architecture.md, "Tenancy")."""
    current = [
        spell
        for spell in spells
        if not spell.agency and spell.start_date <= today and (spell.end_date is None or spell.end_date >= today)
    ]
    if not current:
        return None
    return min(current, key=lambda spell: (spell.start_date, spell.council)).council


# --- ASYE --------------------------------------------------------------------------------------

ASYE_REVIEW_MONTHS = (3, 6, 9, 12)
INTERIM_OUTCOMES = frozenset({"on_track", "concerns"})
FINAL_OUTCOMES = frozenset({"passed", "failed"})


def asye_review_due(started_on: date, month: int) -> date:
    return add_months(started_on, month)


def outcomes_for(month: int) -> frozenset[str]:
    """The 3-, 6- and 9-month reviews say whether the worker is on track; the 12-month one decides."""
    if month not in ASYE_REVIEW_MONTHS:
        raise ValueError(f"ASYE reviews are at {', '.join(map(str, ASYE_REVIEW_MONTHS))} months")
    return FINAL_OUTCOMES if month == ASYE_REVIEW_MONTHS[-1] else INTERIM_OUTCOMES


def review_order_problem(month: int, recorded: Iterable[int]) -> str | None:
    """Reviews are recorded in order, each once; why this one cannot be recorded now, or None."""
    done = set(recorded)
    if month in done:
        return f"the {month}-month review is already recorded"
    earlier = [m for m in ASYE_REVIEW_MONTHS if m < month and m not in done]
    if earlier:
        return f"record the {earlier[0]}-month review first"
    return None


# --- Requirements of a level -------------------------------------------------------------------


class HowReached(StrEnum):
    automatic = "automatic"
    panel = "panel"
    recruitment = "recruitment"


class EvidenceKind(StrEnum):
    reflective_account = "reflective_account"
    service_user_feedback = "service_user_feedback"
    manager_endorsement = "manager_endorsement"
    asye_certificate = "asye_certificate"
    kss_assessment = "kss_assessment"


EVIDENCE_NAMES: dict[str, str] = {
    EvidenceKind.reflective_account.value: "a reflective account",
    EvidenceKind.service_user_feedback.value: "feedback from people who use services",
    EvidenceKind.manager_endorsement.value: "the manager's endorsement",
    EvidenceKind.asye_certificate.value: "the ASYE certificate",
    EvidenceKind.kss_assessment.value: "a KSS assessment",
}


@dataclass(frozen=True, slots=True)
class Requirement:
    min_pq_years: Decimal
    min_cpd_hours: Decimal
    evidence_kinds: Sequence[str]
    how_reached: str


@dataclass(frozen=True, slots=True)
class WorkerFacts:
    pq_years: Decimal
    cpd_hours_12_months: Decimal
    evidence_kinds: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class RequirementCheck:
    requirement: str  # post_qualifying_years, cpd_hours_last_12_months, evidence
    met: bool
    required: Decimal | None = None
    actual: Decimal | None = None
    evidence_kind: str | None = None
    missing: str | None = None


def check_requirement(requirement: Requirement, facts: WorkerFacts) -> list[RequirementCheck]:
    """Each part of a level's requirement, met or not, and what is missing when not."""
    checks = []
    years_short = requirement.min_pq_years - facts.pq_years
    checks.append(
        RequirementCheck(
            "post_qualifying_years",
            years_short <= 0,
            required=requirement.min_pq_years,
            actual=facts.pq_years,
            missing=None if years_short <= 0 else f"{years_short} more years of post-qualifying experience",
        )
    )
    hours_short = requirement.min_cpd_hours - facts.cpd_hours_12_months
    checks.append(
        RequirementCheck(
            "cpd_hours_last_12_months",
            hours_short <= 0,
            required=requirement.min_cpd_hours,
            actual=facts.cpd_hours_12_months,
            missing=None if hours_short <= 0 else f"{hours_short} more hours of CPD in the last 12 months",
        )
    )
    for kind in requirement.evidence_kinds:
        have = kind in facts.evidence_kinds
        checks.append(
            RequirementCheck(
                "evidence", have, evidence_kind=kind, missing=None if have else EVIDENCE_NAMES.get(kind, kind)
            )
        )
    return checks


def missing_evidence(required: Iterable[str], provided: Iterable[str]) -> list[str]:
    have = set(provided)
    return [kind for kind in required if kind not in have]


# --- Levels and the current level -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LevelChangeFact:
    level_rank: int
    effective_on: date
    order: int  # the order it was recorded in: the later of two on one day wins


def current_change(changes: Sequence[LevelChangeFact], today: date) -> LevelChangeFact | None:
    """The level change in force today: the latest effective on or before today."""
    in_force = [change for change in changes if change.effective_on <= today]
    return max(in_force, key=lambda change: (change.effective_on, change.order), default=None)


def next_rank(ranks: Iterable[int], current: int | None) -> int | None:
    """The rank of the next level up: the smallest rank above the current one (None at the top)."""
    above = [rank for rank in ranks if current is None or rank > current]
    return min(above, default=None)


# --- Progression applications ------------------------------------------------------------------


class ApplicationState(StrEnum):
    draft = "draft"
    submitted = "submitted"
    returned = "returned"
    endorsed = "endorsed"
    approved = "approved"
    declined = "declined"
    withdrawn = "withdrawn"


class Action(StrEnum):
    submit = "submit"
    withdraw = "withdraw"
    endorse = "endorse"
    return_ = "return"
    approve = "approve"
    decline = "decline"


class Actor(StrEnum):
    worker = "worker"  # the social worker the application is for
    council = "council"  # council_hr of the worker's council
    panel = "panel"  # the progression panel: council_hr of the worker's council, or academy staff


S, A = ApplicationState, Action

# The whole life of an application. A declined application is final, with its feedback kept: the
# worker resubmits by opening a new draft for the same level, which links back to the declined one.
TRANSITIONS: dict[tuple[ApplicationState, Action], ApplicationState] = {
    (S.draft, A.submit): S.submitted,
    (S.draft, A.withdraw): S.withdrawn,
    (S.submitted, A.endorse): S.endorsed,
    (S.submitted, A.return_): S.returned,
    (S.submitted, A.withdraw): S.withdrawn,
    (S.returned, A.submit): S.submitted,
    (S.returned, A.withdraw): S.withdrawn,
    (S.endorsed, A.approve): S.approved,
    (S.endorsed, A.decline): S.declined,
    (S.endorsed, A.withdraw): S.withdrawn,
}

ACTORS: dict[Action, Actor] = {
    A.submit: Actor.worker,
    A.withdraw: Actor.worker,
    A.endorse: Actor.council,
    A.return_: Actor.council,
    A.approve: Actor.panel,
    A.decline: Actor.panel,
}

# States in which the worker may still change the application (statement, evidence).
EDITABLE = frozenset({S.draft, S.returned})


def _refused(state: ApplicationState, action: Action, allowed: list[Action]) -> str:
    return f"An application that is {state.value} cannot be {_past(action)}" + (
        f"; it can be: {', '.join(a.value for a in allowed)}." if allowed else "; it is final."
    )


def _past(action: Action) -> str:
    return {"submit": "submitted", "withdraw": "withdrawn", "endorse": "endorsed", "return": "returned",
            "approve": "approved", "decline": "declined"}[action.value]  # fmt: skip


APPLICATION = Transitions(TRANSITIONS, _refused)
FINAL = APPLICATION.final(S)
OPEN = frozenset(S) - FINAL
# The state an action leads to, or InvalidTransition (its `allowed`, and a message naming them).
next_state = APPLICATION.next
