"""The pure rules: eligibility at every boundary, the regulator switch, updating days, the transition
table for every (stage, action) pair, updating progress (private-study cap, 12-month window), the
supervisor rule and retention."""

import calendar
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.dates import anniversary, months_later
from services.common.transitions import InvalidTransition
from services.returners.rules import (
    FUNNEL,
    MOVES,
    TRANSITIONS,
    Action,
    ActivityKind,
    ApplicationFacts,
    CohortRules,
    Eligibility,
    ExcludedActivity,
    LoggedActivity,
    Regulator,
    RuleCheck,
    Stage,
    UpdatingBand,
    UpdatingProgress,
    assess_eligibility,
    complete_years,
    conversion,
    in_post_after,
    median_days,
    normalise_registration,
    supervisor_refusal,
    updating_band,
    updating_progress,
)

next_stage = MOVES.next

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


# --- Boundaries the mutation run found untested (docs/mutation.md) -----------------------------


def test_a_malformed_registration_number_is_refused_saying_what_one_looks_like():
    with pytest.raises(ValueError, match=r"'HC123' is not a registration number \(SW followed by up to ten digits\)"):
        normalise_registration("HC123")


def test_the_eligibility_explanation_in_full_under_the_hcpc_rule():
    facts_ = ApplicationFacts(date(2019, 6, 3), date(2016, 1, 10), date(2017, 1, 1), Decimal(2))
    away = "3 complete year(s) and 144 day(s) away on 2019-06-03"  # 10 Jan 2019 to 3 Jun 2019: 144 days
    assert assess_eligibility(facts_, TWO_TO_TEN, SWITCH) == Eligibility(
        eligible=True,
        decided_by="all_rules_met",
        reason=f"Eligible: {away}, within the cohort's rules.",
        regulator=Regulator.hcpc,
        regulator_rule="HCPC rule (application before 2019-12-02): years away are counted from the last day of "
        "practice, 2016-01-10",
        counted_from=date(2016, 1, 10),
        counted_from_field="date_last_practised",
        application_date=date(2019, 6, 3),
        complete_years_away=3,
        days_beyond=144,
        updating_band="2_to_5_years",
        updating_days_required=30,
        updating_hours_required=Decimal(210),
        hours_per_day=Decimal(7),
        checks=(
            RuleCheck("statutory_practice", True, "2 year(s) of statutory practice; the cohort asks for at least 2"),
            RuleCheck(
                "minimum_years_away", True, f"{away}; the cohort asks for at least 2 year(s), reached on 2018-01-10"
            ),
            RuleCheck(
                "maximum_years_away",
                True,
                f"{away}; the cohort allows at most 10 year(s), up to and including 2026-01-10",
            ),
        ),
    )


def test_exactly_the_years_of_statutory_practice_the_cohort_asks_for_is_enough():
    assert assess_eligibility(facts(3, practice="2"), TWO_TO_TEN, SWITCH).eligible
    short = assess_eligibility(facts(3, practice="1.99"), TWO_TO_TEN, SWITCH)
    assert (short.eligible, short.decided_by) == (False, "statutory_practice")


def test_too_soon_says_when_the_minimum_is_reached():
    decision = assess_eligibility(facts(2, -1), TWO_TO_TEN, SWITCH)  # left the register 16 Mar 2022
    assert decision.reason == (
        "Not eligible: 1 complete year(s) and 365 day(s) away on 2024-03-15; the cohort asks for at least "
        "2 year(s), reached on 2024-03-16."
    )


def test_the_updating_bands_are_the_ones_given():
    flat = (UpdatingBand("any_time", "any time away: 45 days", 45, None, False),)
    decision = assess_eligibility(facts(3), TWO_TO_TEN, SWITCH, bands=flat)
    assert (decision.updating_band, decision.updating_days_required) == ("any_time", 45)


def test_updating_bands_without_an_open_last_band_are_refused():
    closed = (UpdatingBand("under_2_years", "under 2 years", 0, 2, False),)
    with pytest.raises(ValueError) as refused:
        updating_band(date(2015, 1, 1), date(2024, 1, 1), closed)
    assert str(refused.value) == "the updating bands must end with an open band"


@pytest.mark.parametrize(
    ("start", "months", "later"),
    [
        (date(2024, 1, 31), 1, date(2024, 3, 1)),  # no 31 February: 1 March
        (date(2025, 8, 31), 6, date(2026, 3, 1)),
        (date(2024, 10, 31), 1, date(2024, 12, 1)),  # no 31 November: 1 December
        (date(2023, 12, 31), 2, date(2024, 3, 1)),  # into the next year, then past February's end
        (date(2024, 3, 31), -1, date(2024, 3, 1)),  # back to February, which has no 31st
        (date(2023, 5, 30), 9, date(2024, 3, 1)),  # 30 February does not exist in a leap year either
        (date(2024, 1, 29), 1, date(2024, 2, 29)),
    ],
)
def test_a_day_the_month_lacks_lands_on_the_first_of_the_next(start, months, later):
    assert months_later(start, months) == later


@given(start=st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31)), months=st.integers(-120, 120))
def test_months_later_keeps_the_day_or_moves_to_the_first_of_the_next_month(start, months):
    year, month = start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1
    if start.day <= calendar.monthrange(year, month)[1]:
        expected_day = date(year, month, start.day)
    else:
        expected_day = date(year + month // 12, month % 12 + 1, 1)
    assert months_later(start, months) == expected_day


def test_in_post_after_is_known_on_the_day_it_falls_due():
    start = date(2024, 1, 31)
    assert in_post_after(start, None, 6, date(2024, 7, 31)) is True
    assert in_post_after(start, date(2024, 7, 30), 6, date(2024, 7, 31)) is False
    # 31 Aug + 6 months: no 31 February, so the date that counts is 1 March
    assert in_post_after(date(2025, 8, 31), date(2026, 2, 28), 6, date(2026, 3, 1)) is False
    assert in_post_after(date(2025, 8, 31), date(2026, 3, 1), 6, date(2026, 3, 1)) is True
    assert in_post_after(date(2025, 8, 31), None, 6, date(2026, 2, 28)) is None


def test_a_refused_move_lists_the_actions_the_stage_allows():
    with pytest.raises(InvalidTransition) as refused:
        next_stage(Stage.applied, Action.apply)
    assert refused.value.allowed == [Action.shortlist, Action.withdraw, Action.rule_not_eligible, Action.not_select]
    assert str(refused.value) == (
        "'apply' is not possible from stage 'applied' (possible: shortlist, withdraw, rule_not_eligible, not_select)"
    )


def test_a_refused_move_from_a_final_stage_says_it_is_final():
    with pytest.raises(InvalidTransition) as refused:
        next_stage(Stage.employed, Action.withdraw)
    assert refused.value.allowed == []
    assert str(refused.value) == "'withdraw' is not possible from stage 'employed' (possible: none: the stage is final)"


def test_a_sanctioned_supervisor_is_refused_with_the_reason():
    assert supervisor_refusal(Decimal(10), True) == (
        "supervisor_fitness_to_practise_sanction",
        "The supervisor has a fitness-to-practise sanction; a supervisor must have none.",
    )


def test_updating_progress_in_full_with_activity_outside_the_window_named():
    progress = updating_progress(
        [
            activity(ActivityKind.formal_study, "206"),  # 29.43 days of 7 hours
            activity(ActivityKind.private_study, "140", date(2025, 2, 1)),  # 20 days, 15 of them counted
            activity(ActivityKind.private_study, "7", date(2024, 6, 29)),
            activity(ActivityKind.supervised_practice, "7", date(2025, 6, 30), date(2025, 7, 1)),
        ],
        required_days=30,
        hours_per_day=Decimal(7),
        window_end=END,
    )
    assert progress == UpdatingProgress(
        window_start=date(2024, 6, 30),
        window_end=END,
        window_ends_at="today",
        required_days=30,
        hours_per_day=Decimal(7),
        days_by_kind={
            "supervised_practice": Decimal(0),
            "formal_study": Decimal("29.42"),
            "private_study": Decimal(20),
        },
        private_study_cap_days=Decimal(15),
        private_study_days_counted=Decimal(15),
        counted_days=Decimal("44.42"),
        remaining_days=Decimal(0),  # more than enough: none remaining
        complete=True,
        excluded=(
            ExcludedActivity("private_study-2024-06-29", "started before the window opened on 2024-06-30"),
            ExcludedActivity("supervised_practice-2025-06-30", "ended after the window closed on 2025-06-30"),
        ),
    )


def test_days_remaining_round_up_and_days_counted_round_down():
    progress = updating_progress(
        [activity(ActivityKind.formal_study, "206")], 30, Decimal(7), END, window_ends_at="restoration_application"
    )
    assert progress.counted_days == Decimal("29.42")  # 29.428... days
    assert progress.remaining_days == Decimal("0.58")  # 0.571... days: never shown as less than is left
    assert not progress.complete
    assert progress.window_ends_at == "restoration_application"


def test_conversion_is_the_share_reaching_the_next_stage_to_four_places():
    assert conversion(3, 1) == 0.3333
    assert conversion(3, 2) == 0.6667
    assert conversion(7, 7) == 1.0
    assert conversion(0, 0) is None
