"""Pure domain rules of placements: the agency engagement check."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from services.common.dates import add_months

REDUNDANCY_REASONS = frozenset({2, 3})  # census ReasonLeave: voluntary and compulsory redundancy


# --- Agency engagement -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SpellFact:
    """One spell of a registered social worker at a council (as in the census: one role, one start)."""

    council: str  # DfE code, e.g. "331"
    agency: bool
    start_date: date
    end_date: date | None  # last day in post; None while still in post
    reason_leave: int | None = None  # census ReasonLeave code


@dataclass(frozen=True, slots=True)
class AgencyPolicy:
    """The periods of the agency rules; all of them are configuration (rules.md), not law in code."""

    regional_months: int = 12  # West Midlands MoU
    national_months: int = 3  # statutory guidance
    probation_months: int = 6  # a spell shorter than this ended "during probation"
    min_pq_years: int = 3
    national_rules_from: date = date(2024, 10, 31)  # statutory guidance in force from
    regional_exceptions: bool = False  # does the MoU also excuse redundancy and probation leavers?


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    rule: str
    passed: bool
    detail: str
    deciding_dates: dict[str, date | None] = field(default_factory=dict)
    exception: str | None = None


@dataclass(frozen=True, slots=True)
class AgencyDecision:
    allowed: bool
    rules: list[RuleOutcome]

    def rule(self, name: str) -> RuleOutcome:
        return next(outcome for outcome in self.rules if outcome.rule == name)


REGIONAL_RULE = "regional_mou_cooling_off"
NATIONAL_RULE = "national_cooling_off"
PQ_RULE = "national_pq_experience"


def check_agency_engagement(
    history: list[SpellFact],
    council: str,
    proposed_start: date,
    region_councils: frozenset[str],
    policy: AgencyPolicy = AgencyPolicy(),
) -> AgencyDecision:
    """May `council` engage this person as an agency social worker from `proposed_start`?

    Three rules are evaluated and all are reported; the engagement is allowed only if all pass, so
    the stricter of the regional and national cooling-off periods decides:

    - regional MoU: no agency engagement within `regional_months` after leaving a permanent post in
      a council of the region. Our reading: the MoU names no exceptions, so redundancy and
      probation leavers are not excused unless `policy.regional_exceptions` is set.
    - national cooling-off: not within `national_months` after leaving a permanent post in a
      council of the same region, except after redundancy (ReasonLeave 2 or 3) or when leaving
      during probation (a spell shorter than `probation_months`).
    - national experience: at least `min_pq_years` of direct (non-agency) council employment
      before the proposed start, in any council, overlapping spells counted once. Every spell is
      a registered social worker's, so all of it is post-qualifying.

    Boundary: someone who left on 15 March may be engaged from 15 March twelve (or three) months
    later, not a day earlier. A permanent spell still open (no end date) blocks the cooling-off
    rules: the leaving date that decides them is not known yet. `region_councils` are the councils
    of the engaging council's region (for this platform, the West Midlands' 14).
    """
    if council not in region_councils:
        raise ValueError(f"council {council} is not one of the region's councils")
    # Newest first, in an order of our own (the database gives spells in none): of two spells that decide
    # alike, the later leaving is the one named, and a post still open before any.
    permanent_in_region = sorted(
        (
            spell
            for spell in history
            if not spell.agency and spell.council in region_councils and spell.start_date <= proposed_start
        ),
        key=lambda spell: (spell.end_date or date.max, spell.start_date, spell.council),
        reverse=True,
    )
    national_in_force = proposed_start >= policy.national_rules_from
    rules = [
        _cooling_off(
            REGIONAL_RULE,
            "the West Midlands MoU",
            policy.regional_months,
            policy.regional_exceptions,
            permanent_in_region,
            proposed_start,
            policy,
        ),
    ]
    if national_in_force:
        rules.append(
            _cooling_off(
                NATIONAL_RULE,
                "the national rule",
                policy.national_months,
                True,
                permanent_in_region,
                proposed_start,
                policy,
            )
        )
        rules.append(_pq_experience(history, proposed_start, policy))
    else:
        not_in_force = f"the national rules apply to engagements from {policy.national_rules_from}"
        deciding = {"proposed_start": proposed_start, "in_force_from": policy.national_rules_from}
        rules.append(RuleOutcome(NATIONAL_RULE, True, not_in_force, deciding))
        rules.append(RuleOutcome(PQ_RULE, True, not_in_force, dict(deciding)))
    return AgencyDecision(allowed=all(outcome.passed for outcome in rules), rules=rules)


def _exception(spell: SpellFact, left: date, policy: AgencyPolicy) -> str | None:
    """Why leaving `spell` on `left` is excused, if it is: redundancy, or leaving during probation."""
    if spell.reason_leave in REDUNDANCY_REASONS:
        return f"redundancy (ReasonLeave {spell.reason_leave})"
    if left < add_months(spell.start_date, policy.probation_months):
        return f"left during probation (spell shorter than {policy.probation_months} months)"
    return None


def _after_leaving(
    rule: str,
    passed: bool,
    detail: str,
    left: date,
    allowed_from: date | None,
    proposed_start: date,
    exception: str | None = None,
) -> RuleOutcome:
    """A cooling-off rule's outcome decided by the day a permanent post was left."""
    deciding = {"left_permanent_post": left, "allowed_from": allowed_from, "proposed_start": proposed_start}
    return RuleOutcome(rule, passed, detail, deciding, exception)


def _cooling_off(
    rule: str,
    source: str,
    months: int,
    exceptions_apply: bool,
    spells: Iterable[SpellFact],
    proposed_start: date,
    policy: AgencyPolicy,
) -> RuleOutcome:
    blocking: tuple[date, SpellFact, date] | None = None  # (allowed from, spell, left)
    excused: tuple[date, SpellFact, date, str] | None = None
    latest_left: date | None = None
    for spell in spells:
        left = spell.end_date
        if left is None:
            return RuleOutcome(
                rule,
                False,
                f"still in a permanent post at council {spell.council} (since {spell.start_date}); "
                f"{source} can be checked once the leaving date is known",
                {
                    "permanent_post_start": spell.start_date,
                    "left_permanent_post": None,
                    "proposed_start": proposed_start,
                },
            )
        if latest_left is None or left > latest_left:
            latest_left = left
        allowed_from = add_months(left, months)
        if allowed_from <= proposed_start:
            continue
        reason = _exception(spell, left, policy) if exceptions_apply else None
        if reason is None:
            if blocking is None or allowed_from > blocking[0]:
                blocking = (allowed_from, spell, left)
        elif excused is None or allowed_from > excused[0]:
            excused = (allowed_from, spell, left, reason)

    if blocking is not None:
        allowed_from, spell, left = blocking
        detail = (
            f"left a permanent post at council {spell.council} on {left}; under {source} "
            f"an agency engagement is possible from {allowed_from} ({months} months later)"
        )
        return _after_leaving(rule, False, detail, left, allowed_from, proposed_start)
    if excused is not None:
        allowed_from, spell, left, reason = excused
        detail = (
            f"left a permanent post at council {spell.council} on {left}, within {months} "
            f"months, but {source} excuses it: {reason}"
        )
        return _after_leaving(rule, True, detail, left, None, proposed_start, exception=reason)
    if latest_left is None:
        return RuleOutcome(
            rule,
            True,
            "no permanent post in a council of the region before the proposed start",
            {"proposed_start": proposed_start},
        )
    detail = (
        f"last left a permanent post in the region on {latest_left}, more than {months} months "
        f"before the proposed start"
    )
    return _after_leaving(rule, True, detail, latest_left, add_months(latest_left, months), proposed_start)


def _pq_experience(history: Iterable[SpellFact], proposed_start: date, policy: AgencyPolicy) -> RuleOutcome:
    last_counted = proposed_start - timedelta(days=1)
    periods = sorted(
        (spell.start_date, min(spell.end_date or last_counted, last_counted))
        for spell in history
        if not spell.agency and spell.start_date <= last_counted
    )
    # N years are the days of the N calendar years before the proposed start (leap days included),
    # so a continuous spell of exactly N years passes and one a day shorter does not.
    needed = (proposed_start - add_months(proposed_start, -12 * policy.min_pq_years)).days
    counted = 0
    covered_to: date | None = None  # overlapping spells are counted once
    met_on: date | None = None
    for start, end in periods:
        if covered_to is not None and start <= covered_to:
            start = covered_to + timedelta(days=1)
        if end < start:
            continue
        days = (end - start).days + 1
        if met_on is None and counted + days >= needed:
            met_on = start + timedelta(days=needed - counted - 1)
        counted += days
        covered_to = end
    years, days = divmod(counted, 365)
    detail = (
        f"{years} years {days} days ({counted} days) of direct council employment before "
        f"{proposed_start}; {policy.min_pq_years} years ({needed} days) needed"
    )
    return RuleOutcome(
        PQ_RULE,
        met_on is not None,
        detail,
        {
            "first_employed": periods[0][0] if periods else None,
            "experience_met_on": met_on,
            "proposed_start": proposed_start,
        },
    )
