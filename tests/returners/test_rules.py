"""The pure rules: eligibility at every boundary, the regulator switch, updating days, the transition
table for every (stage, action) pair, updating progress (private-study cap, 12-month window), the
supervisor rule and retention."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.returners.rules import (
    FUNNEL,
    TRANSITIONS,
    Action,
    ActivityKind,
    ApplicationFacts,
    CohortRules,
    InvalidTransition,
    LoggedActivity,
    Regulator,
    Stage,
    anniversary,
    assess_eligibility,
    complete_years,
    in_post_after,
    median_days,
    months_later,
    next_stage,
    normalise_registration,
    supervisor_refusal,
    updating_band,
    updating_progress,
)

SWITCH = date(2019, 12, 2)
TWO_TO_TEN = CohortRules(
    min_years_away=2, max_years_away=10, min_statutory_practice_years=Decimal(2), hours_per_day=Decimal(7)
)
TWO_TO_FIVE = CohortRules(
    min_years_away=2, max_years_away=5, min_statutory_practice_years=Decimal(2), hours_per_day=Decimal(7)
)
APPLIED = date(2024, 3, 15)


def facts(
    years_away: int = 0,
    extra_days: int = 0,
    applied: date = APPLIED,
    practice: str = "3",
    last_practised: date | None = None,
) -> ApplicationFacts:
    """An application `years_away` years (and `extra_days` more) after leaving the register."""
    left = anniversary(applied, -years_away) - timedelta(days=extra_days)
    return ApplicationFacts(
        application_date=applied,
        date_last_practised=last_practised or left - timedelta(days=10),
        date_left_register=left,
        years_statutory_practice=Decimal(practice),
    )


# --- Eligibility boundaries --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("years", "extra_days", "eligible", "decided_by", "days"),
    [
        (2, -1, False, "minimum_years_away", 0),  # the day before the 2nd anniversary
        (2, 0, True, "all_rules_met", 30),  # exactly 2 years
        (2, 1, True, "all_rules_met", 30),
        (5, -1, True, "all_rules_met", 30),
        (5, 0, True, "all_rules_met", 30),  # exactly 5 years: still 30 days
        (5, 1, True, "all_rules_met", 60),  # the day after the 5th anniversary: 60 days
        (10, -1, True, "all_rules_met", 60),
        (10, 0, True, "all_rules_met", 60),  # exactly 10 years: the cohort's maximum is included
        (10, 1, False, "maximum_years_away", 60),  # the day after: outside the cohort
    ],
)
def test_eligibility_and_updating_days_at_the_2_5_and_10_year_boundaries(years, extra_days, eligible, decided_by, days):
    decision = assess_eligibility(facts(years, extra_days), TWO_TO_TEN, SWITCH)
    assert decision.eligible is eligible
    assert decision.decided_by == decided_by
    assert decision.updating_days_required == days
    assert decision.updating_hours_required == days * 7


def test_exactly_5_years_is_inside_a_2_to_5_cohort_and_a_day_more_is_not():
    inside = assess_eligibility(facts(5, 0), TWO_TO_FIVE, SWITCH)
    outside = assess_eligibility(facts(5, 1), TWO_TO_FIVE, SWITCH)
    assert (inside.eligible, inside.updating_days_required) == (True, 30)
    assert (outside.eligible, outside.decided_by) == (False, "maximum_years_away")
    assert "at most 5 year(s)" in outside.reason


def test_under_2_years_away_needs_no_updating():
    decision = assess_eligibility(facts(1, 200), TWO_TO_TEN, SWITCH)
    assert decision.updating_days_required == 0
    assert decision.updating_band == "under_2_years"


def test_someone_who_never_practised_is_not_eligible_whatever_their_years_away():
    decision = assess_eligibility(facts(4, practice="0"), TWO_TO_TEN, SWITCH)
    assert not decision.eligible
    assert decision.decided_by == "statutory_practice"
    assert "0 year(s) of statutory practice" in decision.reason


def test_the_explanation_names_the_rule_the_dates_and_the_years_away():
    decision = assess_eligibility(facts(3, 20), TWO_TO_TEN, SWITCH)
    assert decision.regulator is Regulator.swe
    assert decision.counted_from == anniversary(APPLIED, -3) - timedelta(days=20)
    assert decision.counted_from_field == "date_left_register"
    # 23 Feb 2021 to 15 Mar 2024: 3 years to 23 Feb 2024, then 21 days (2024 has a 29 Feb)
    assert (decision.complete_years_away, decision.days_beyond) == (3, 21)
    assert "leaving the register" in decision.regulator_rule
    assert [check.rule for check in decision.checks] == [
        "statutory_practice",
        "minimum_years_away",
        "maximum_years_away",
    ]
    assert all(check.passed for check in decision.checks)


# --- The regulator switch on 2 Dec 2019 --------------------------------------------------------


def _switch_case(applied: date):
    # Practice ended 5 years and 6 months before; the register was left 8 months later.
    last_practised = months_later(anniversary(applied, -5), -6)
    left = months_later(last_practised, 8)
    return ApplicationFacts(applied, last_practised, left, Decimal(3))


def test_the_day_before_2_december_2019_hcpc_counts_from_the_last_day_of_practice():
    applied = date(2019, 12, 1)
    decision = assess_eligibility(_switch_case(applied), TWO_TO_TEN, SWITCH)
    assert decision.regulator is Regulator.hcpc
    assert decision.counted_from_field == "date_last_practised"
    assert decision.complete_years_away == 5  # 5 years 6 months from last practice: over 5 years
    assert decision.updating_days_required == 60


def test_from_2_december_2019_social_work_england_counts_from_leaving_the_register():
    applied = date(2019, 12, 2)
    decision = assess_eligibility(_switch_case(applied), TWO_TO_TEN, SWITCH)
    assert decision.regulator is Regulator.swe
    assert decision.counted_from_field == "date_left_register"
    assert decision.complete_years_away == 4  # only 4 years 10 months since leaving the register
    assert decision.updating_days_required == 30


def test_the_switch_date_is_data_not_a_literal():
    applied = date(2019, 12, 2)
    later_switch = assess_eligibility(_switch_case(applied), TWO_TO_TEN, date(2020, 1, 1))
    assert later_switch.regulator is Regulator.hcpc


# --- Properties --------------------------------------------------------------------------------

dates = st.dates(min_value=date(1960, 1, 1), max_value=date(2060, 12, 31))


@given(counted_from=dates, first=st.integers(0, 40 * 366), more=st.integers(0, 40 * 366))
def test_more_time_away_never_needs_fewer_updating_days(counted_from, first, more):
    sooner = counted_from + timedelta(days=first)
    later = sooner + timedelta(days=more)
    assert updating_band(counted_from, later).days >= updating_band(counted_from, sooner).days


@given(applied=st.dates(min_value=date(2000, 1, 1), max_value=date(2050, 1, 1)), away=st.integers(0, 30 * 366))
def test_more_years_away_never_needs_fewer_days_under_either_regulator(applied, away):
    left = applied - timedelta(days=away)
    nearer = ApplicationFacts(applied, left, left, Decimal(3))
    further = ApplicationFacts(applied, left - timedelta(days=1), left - timedelta(days=1), Decimal(3))
    assert (
        assess_eligibility(further, TWO_TO_TEN, SWITCH).updating_days_required
        >= assess_eligibility(nearer, TWO_TO_TEN, SWITCH).updating_days_required
    )


@given(since=dates, on=dates)
def test_complete_years_agree_with_anniversaries(since, on):
    if on < since:
        since, on = on, since
    years, days = complete_years(since, on)
    assert anniversary(since, years) <= on < anniversary(since, years + 1)
    assert days == (on - anniversary(since, years)).days


def test_29_february_reaches_its_anniversary_on_1_march_in_a_common_year():
    assert anniversary(date(2020, 2, 29), 2) == date(2022, 3, 1)
    assert complete_years(date(2020, 2, 29), date(2022, 2, 28)) == (1, 364)  # from 1 Mar 2021


# --- The transition table: every (stage, action) pair ------------------------------------------

FORWARD = {
    Stage.enquiry: (Action.apply, Stage.applied),
    Stage.applied: (Action.shortlist, Stage.shortlisted),
    Stage.shortlisted: (Action.assess, Stage.assessed),
    Stage.assessed: (Action.offer, Stage.offered),
    Stage.offered: (Action.start_checks, Stage.pre_employment_checks),
    Stage.pre_employment_checks: (Action.start_training, Stage.in_training),
    Stage.in_training: (Action.start_supervised_practice, Stage.supervised_practice),
    Stage.supervised_practice: (Action.apply_for_restoration, Stage.restoration_applied),
    Stage.restoration_applied: (Action.restore, Stage.restored),
    Stage.restored: (Action.employ, Stage.employed),
}


def expected(stage: Stage, action: Action) -> Stage | None:
    """The funnel as the programme describes it, written independently of the table."""
    if stage in FORWARD and FORWARD[stage][0] is action:
        return FORWARD[stage][1]
    if action is Action.withdraw and stage in FUNNEL and stage is not Stage.employed:
        return Stage.withdrawn
    if action is Action.rule_not_eligible and stage in (Stage.enquiry, Stage.applied, Stage.shortlisted):
        return Stage.not_eligible
    if action is Action.not_select and stage in (Stage.applied, Stage.shortlisted, Stage.assessed):
        return Stage.not_selected
    return None


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("stage", list(Stage))
def test_every_stage_and_action_pair_moves_as_the_funnel_says_or_is_refused(stage, action):
    target = expected(stage, action)
    if target is None:
        with pytest.raises(InvalidTransition) as refused:
            next_stage(stage, action)
        assert stage.value in str(refused.value)
        assert TRANSITIONS.get((stage, action)) is None
    else:
        assert next_stage(stage, action) is target


@pytest.mark.parametrize("stage", [Stage.employed, Stage.withdrawn, Stage.not_eligible, Stage.not_selected])
def test_nothing_leaves_a_final_stage(stage):
    assert all(source is not stage for source, _ in TRANSITIONS)


# --- Updating progress -------------------------------------------------------------------------

END = date(2025, 6, 30)


def activity(kind: ActivityKind, hours: str, start: date = date(2025, 1, 10), end: date | None = None):
    return LoggedActivity(f"{kind.value}-{start}", kind, start, end or start, Decimal(hours))


def test_private_study_counts_for_at_most_half_the_required_days():
    progress = updating_progress(
        [
            activity(ActivityKind.private_study, str(25 * 7)),
            activity(ActivityKind.supervised_practice, str(10 * 7)),
        ],
        required_days=30,
        hours_per_day=Decimal(7),
        window_end=END,
    )
    assert progress.days_by_kind["private_study"] == 25
    assert progress.private_study_cap_days == 15
    assert progress.private_study_days_counted == 15
    assert progress.counted_days == 25
    assert not progress.complete
    assert progress.remaining_days == 5


def test_private_study_up_to_the_cap_and_other_updating_complete_the_days():
    progress = updating_progress(
        [activity(ActivityKind.private_study, str(15 * 7)), activity(ActivityKind.formal_study, str(15 * 7))],
        required_days=30,
        hours_per_day=Decimal(7),
        window_end=END,
    )
    assert progress.counted_days == 30
    assert progress.complete


def test_only_activity_within_the_12_months_before_the_window_end_counts():
    window_start = date(2024, 6, 30)
    progress = updating_progress(
        [
            activity(ActivityKind.formal_study, "70", window_start),  # the first day of the window
            activity(ActivityKind.formal_study, "70", window_start - timedelta(days=1)),  # the day before
            activity(ActivityKind.formal_study, "70", END),  # the last day
            activity(ActivityKind.formal_study, "70", END + timedelta(days=1)),  # after it
            activity(
                ActivityKind.formal_study,
                "70",
                window_start - timedelta(days=3),
                window_start + timedelta(days=3),
            ),
        ],
        required_days=30,
        hours_per_day=Decimal(7),
        window_end=END,
    )
    assert (progress.window_start, progress.window_end) == (window_start, END)
    assert progress.counted_days == 20
    assert len(progress.excluded) == 3
    assert {item.reason.split(" ")[0] for item in progress.excluded} == {"started", "ended"}


def test_hours_per_day_turn_hours_into_days():
    six = updating_progress([activity(ActivityKind.formal_study, "60")], 30, Decimal(6), END)
    seven = updating_progress([activity(ActivityKind.formal_study, "60")], 30, Decimal(7), END)
    assert six.counted_days == 10
    assert seven.counted_days == Decimal("8.57")


hours = st.decimals(min_value=Decimal("0.25"), max_value=Decimal(500), places=2)
kinds = st.sampled_from(list(ActivityKind))


@given(
    logged=st.lists(st.tuples(kinds, hours), max_size=8),
    extra=st.tuples(kinds, hours),
    required=st.sampled_from([0, 30, 60]),
)
def test_logging_more_updating_never_lowers_progress_and_private_study_never_passes_half(logged, extra, required):
    before = [activity(kind, str(h)) for kind, h in logged]
    after = [*before, activity(extra[0], str(extra[1]), date(2025, 2, 1))]
    first = updating_progress(before, required, Decimal(7), END)
    second = updating_progress(after, required, Decimal(7), END)
    assert second.counted_days >= first.counted_days
    assert second.private_study_days_counted * 2 <= required


# --- Supervisors, registration numbers, retention ----------------------------------------------


@pytest.mark.parametrize(
    ("years", "sanction", "refused_for"),
    [
        ("2.9", False, "supervisor_years_registered"),
        ("3", False, None),
        ("10", True, "supervisor_fitness_to_practise_sanction"),
    ],
)
def test_a_supervisor_needs_3_years_registration_and_no_sanction(years, sanction, refused_for):
    refusal = supervisor_refusal(Decimal(years), sanction)
    assert (refusal[0] if refusal else None) == refused_for


@pytest.mark.parametrize(("raw", "stored"), [("SW000123", "SW123"), ("sw 123", "SW123"), (" Sw0042 ", "SW42")])
def test_registration_numbers_are_stored_as_social_work_england_spells_them(raw, stored):
    assert normalise_registration(raw) == stored


@pytest.mark.parametrize("raw", ["", "SW", "SW000", "HC123", "SW12a", "SW12345678901"])
def test_a_malformed_registration_number_is_refused(raw):
    with pytest.raises(ValueError):
        normalise_registration(raw)


def test_in_post_after_6_months_counts_a_leaver_on_the_day_as_still_in_post():
    start = date(2024, 1, 31)
    assert months_later(start, 6) == date(2024, 7, 31)
    assert in_post_after(start, None, 6, date(2024, 7, 30)) is None  # not due yet
    assert in_post_after(start, date(2024, 7, 31), 6, date(2025, 1, 1)) is True
    assert in_post_after(start, date(2024, 7, 30), 6, date(2025, 1, 1)) is False


def test_the_median_of_an_even_number_of_spans_is_the_mean_of_the_middle_two():
    assert median_days([10, 2, 4, 30]) == 7.0
    assert median_days([]) is None
