"""The pure career rules: SWE numbers, the CPD registration year, post-qualifying experience, ASYE
reviews, requirement checks, and every (state, action) pair of a progression application."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.careers.rules import (
    ACTORS,
    EDITABLE,
    FINAL,
    OPEN,
    TRANSITIONS,
    Action,
    Actor,
    ApplicationState,
    CpdFact,
    CpdYearCheck,
    InvalidTransition,
    LevelChangeFact,
    Requirement,
    RequirementCheck,
    Spell,
    WorkerFacts,
    asye_review_due,
    check_registration_year,
    check_requirement,
    councils_in_post,
    cpd_hours_last_12_months,
    current_change,
    employer,
    missing_evidence,
    next_rank,
    next_state,
    outcomes_for,
    post_qualifying_experience,
    registration_year_ending,
    registration_year_of,
    review_order_problem,
)
from services.common.dates import add_months
from services.common.swe import normalise_swe

S, A = ApplicationState, Action


# --- SWE numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["SW123", "sw123", " SW 0123 ", "SW000123", "s w 1 2 3"])
def test_swe_numbers_are_normalised_whatever_the_spelling(raw):
    assert normalise_swe(raw) == "SW123"


@pytest.mark.parametrize("raw", ["", "SW", "SW000", "123", "SWX12", "SW12345678901", "HC123"])
def test_what_is_not_an_swe_number_is_refused(raw):
    with pytest.raises(ValueError):
        normalise_swe(raw)


# --- The registration year and the CPD check ---------------------------------------------------


def cpd(day: str, peer: bool = False, hours: str = "3") -> CpdFact:
    return CpdFact(date.fromisoformat(day), Decimal(hours), peer)


def test_the_registration_year_runs_from_1_december_to_30_november():
    assert registration_year_ending(2026) == (date(2025, 12, 1), date(2026, 11, 30))
    assert registration_year_of(date(2025, 11, 30)) == 2025
    assert registration_year_of(date(2025, 12, 1)) == 2026
    assert registration_year_of(date(2026, 6, 15)) == 2026


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_every_day_is_in_exactly_the_registration_year_it_is_named_by(day):
    starts_on, ends_on = registration_year_ending(registration_year_of(day))
    assert starts_on <= day <= ends_on


def test_two_records_one_peer_reflected_meets_the_requirement():
    check = check_registration_year([cpd("2026-01-10"), cpd("2026-03-02", peer=True)], date(2026, 6, 15))
    assert check.met and check.missing == []
    assert (check.records, check.peer_reflected) == (2, 1)


def test_exactly_two_records_with_none_peer_reflected_is_not_met():
    check = check_registration_year([cpd("2026-01-10"), cpd("2026-03-02")], date(2026, 6, 15))
    assert not check.met
    assert check.records == 2 and check.peer_reflected == 0
    assert check.missing == ["1 more CPD record with peer reflection dated by 2026-11-30"]


def test_one_peer_reflected_record_still_needs_a_second_record():
    check = check_registration_year([cpd("2026-01-10", peer=True)], date(2026, 6, 15))
    assert not check.met
    assert check.missing == ["1 more CPD record dated by 2026-11-30"]


def test_no_records_says_both_what_is_missing():
    check = check_registration_year([], date(2026, 6, 15))
    assert check.missing == [
        "2 more CPD records dated by 2026-11-30",
        "1 more CPD record with peer reflection dated by 2026-11-30",
    ]


def test_records_of_another_registration_year_do_not_count():
    records = [cpd("2025-11-30", peer=True), cpd("2026-12-01", peer=True), cpd("2026-02-01")]
    check = check_registration_year(records, date(2026, 6, 15))
    assert (check.records, check.peer_reflected, check.met) == (1, 0, False)


@pytest.mark.parametrize(
    ("today", "days_left"),
    [
        (date(2026, 11, 30), 1),  # the last day still counts
        (date(2026, 11, 29), 2),
        (date(2025, 12, 1), 365),  # the whole year
        (date(2026, 12, 1), 0),  # asking about 2026 once it is over
    ],
)
def test_days_left_count_today(today, days_left):
    assert check_registration_year([], today, year=2026).days_left == days_left


def test_hours_of_the_last_12_months_exclude_the_same_day_a_year_ago():
    records = [cpd("2025-06-15", hours="5"), cpd("2025-06-16", hours="2.5"), cpd("2026-06-15", hours="1")]
    assert cpd_hours_last_12_months(records, date(2026, 6, 15)) == Decimal("3.5")


# --- Post-qualifying experience ----------------------------------------------------------------


def spell(council: str, start: str, end: str | None = None, agency: bool = False) -> Spell:
    return Spell(council, agency, date.fromisoformat(start), date.fromisoformat(end) if end else None)


def test_two_spells_at_two_councils_add_up():
    spells = [spell("330", "2020-01-01", "2021-12-31"), spell("331", "2022-01-01", "2022-12-31")]
    experience = post_qualifying_experience(spells, date(2026, 6, 15))
    assert experience.days == 731 + 365
    assert experience.years == Decimal("3.00")
    assert experience.councils == ["330", "331"]


def test_overlapping_days_count_once_and_agency_spells_count():
    spells = [
        spell("330", "2024-01-01", "2024-12-31"),
        spell("331", "2024-07-01", "2025-06-30", agency=True),  # six months overlap
    ]
    assert post_qualifying_experience(spells, date(2026, 6, 15)).days == 366 + 181


def test_an_open_spell_runs_to_today_and_the_future_does_not_count():
    spells = [spell("330", "2026-06-01"), spell("331", "2026-07-01")]
    assert post_qualifying_experience(spells, date(2026, 6, 15)).days == 15


def test_two_calendar_years_are_two_years():
    experience = post_qualifying_experience([spell("330", "2022-01-01", "2023-12-31")], date(2026, 1, 1))
    assert experience.years == Decimal("2.00")


def test_no_spells_is_no_experience():
    experience = post_qualifying_experience([], date(2026, 6, 15))
    assert (experience.days, experience.years, experience.councils) == (0, Decimal("0.00"), [])


@given(
    st.lists(
        st.tuples(st.integers(0, 4000), st.integers(0, 800), st.booleans(), st.sampled_from(["330", "331", "332"])),
        max_size=8,
    )
)
def test_experience_is_the_number_of_distinct_days_worked(raw):
    origin, today = date(2015, 1, 1), date(2026, 6, 15)
    spells = [
        Spell(council, agency, origin + timedelta(days=start), origin + timedelta(days=start + length))
        for start, length, agency, council in raw
    ]
    worked = {
        s.start_date + timedelta(days=n)
        for s in spells
        for n in range((s.end_date - s.start_date).days + 1)
        if s.start_date + timedelta(days=n) <= today
    }
    assert post_qualifying_experience(spells, today).days == len(worked)


TODAY_ = date(2026, 6, 15)


def held(council: str, start: date, end: date | None = None, agency: bool = False) -> Spell:
    return Spell(council=council, agency=agency, start_date=start, end_date=end)


def test_the_employer_is_the_council_of_the_permanent_spell_in_post_today():
    assert employer([held("331", date(2020, 1, 6))], TODAY_) == "331"
    assert employer([held("331", date(2020, 1, 6), end=TODAY_)], TODAY_) == "331"  # the last day is in post
    assert employer([held("331", date(2020, 1, 6), end=TODAY_ - timedelta(days=1))], TODAY_) is None
    assert employer([], TODAY_) is None


def test_agency_work_and_a_spell_still_to_start_make_no_employer():
    assert employer([held("332", date(2020, 1, 6), agency=True)], TODAY_) is None
    assert employer([held("332", TODAY_ + timedelta(days=1))], TODAY_) is None
    assert employer([held("332", TODAY_)], TODAY_) == "332"


def test_a_spell_another_council_records_later_never_displaces_the_employer():
    """The takeover: council 332 records a spell of 331's worker. While 331's spell is open, 331 stays the
    employer, whether 332's spell is agency, permanent, from today or from next month."""
    at_331 = held("331", date(2019, 3, 1))
    for claim in (
        held("332", TODAY_ + timedelta(days=20), agency=True),
        held("332", TODAY_ + timedelta(days=20)),
        held("332", TODAY_),
        held("332", date(2024, 1, 1), agency=True),
    ):
        assert employer([at_331, claim], TODAY_) == "331"
        assert employer([claim, at_331], TODAY_) == "331"
    assert (
        employer([held("331", date(2019, 3, 1), end=date(2026, 5, 31)), held("332", date(2026, 6, 1))], TODAY_) == "332"
    )


@given(
    first_start=st.dates(date(2000, 1, 1), TODAY_),
    later=st.lists(
        st.tuples(st.sampled_from(["330", "332", "333"]), st.integers(0, 4000), st.booleans(), st.booleans()),
        max_size=5,
    ),
)
def test_no_spell_starting_after_the_employers_can_change_the_employer(first_start, later):
    ours = held("331", first_start)
    others = [
        held(
            council,
            first_start + timedelta(days=days),
            end=None if open_ else TODAY_ + timedelta(days=1),
            agency=agency,
        )
        for council, days, agency, open_ in later
    ]
    others = [other for other in others if other.start_date > first_start]
    assert employer([ours, *others], TODAY_) == "331"


def test_councils_in_post_today_latest_start_first():
    spells = [
        spell("330", "2020-01-01", "2026-01-31"),
        spell("331", "2026-02-01"),
        spell("332", "2026-05-01", agency=True),
        spell("333", "2026-07-01"),  # starts later
    ]
    assert councils_in_post(spells, date(2026, 6, 15)) == ["332", "331"]


# --- ASYE --------------------------------------------------------------------------------------


def test_interim_reviews_say_on_track_and_the_last_one_decides():
    assert outcomes_for(3) == outcomes_for(6) == outcomes_for(9) == {"on_track", "concerns"}
    assert outcomes_for(12) == {"passed", "failed"}
    with pytest.raises(ValueError):
        outcomes_for(4)


def test_asye_reviews_are_recorded_in_order_and_once():
    assert review_order_problem(3, []) is None
    assert review_order_problem(6, []) == "record the 3-month review first"
    assert review_order_problem(12, [3, 6]) == "record the 9-month review first"
    assert review_order_problem(6, [3, 6]) == "the 6-month review is already recorded"
    assert review_order_problem(12, [3, 6, 9]) is None


def test_review_due_dates_are_whole_months_from_the_start():
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2025, 9, 1), 12) == date(2026, 9, 1)


# --- Requirements and levels -------------------------------------------------------------------


EXPERIENCED = Requirement(
    Decimal(2), Decimal(30), ["reflective_account", "service_user_feedback", "manager_endorsement"], "panel"
)


def test_every_requirement_is_checked_and_what_is_missing_is_said():
    facts = WorkerFacts(Decimal("1.50"), Decimal("12.5"), frozenset({"reflective_account"}))
    checks = check_requirement(EXPERIENCED, facts)
    assert [(c.requirement, c.evidence_kind, c.met) for c in checks] == [
        ("post_qualifying_years", None, False),
        ("cpd_hours_last_12_months", None, False),
        ("evidence", "reflective_account", True),
        ("evidence", "service_user_feedback", False),
        ("evidence", "manager_endorsement", False),
    ]
    assert [c.missing for c in checks if not c.met] == [
        "0.50 more years of post-qualifying experience",
        "17.5 more hours of CPD in the last 12 months",
        "feedback from people who use services",
        "the manager's endorsement",
    ]


def test_requirements_met_exactly_at_the_minimum():
    facts = WorkerFacts(
        Decimal("2.00"),
        Decimal("30"),
        frozenset({"reflective_account", "service_user_feedback", "manager_endorsement"}),
    )
    assert all(check.met and check.missing is None for check in check_requirement(EXPERIENCED, facts))


def test_the_level_in_force_is_the_latest_effective_by_today():
    changes = [
        LevelChangeFact(3, date(2022, 1, 1), 0),
        LevelChangeFact(4, date(2026, 7, 1), 1),  # approved with a later effective date
        LevelChangeFact(9, date(2024, 1, 1), 2),
        LevelChangeFact(5, date(2024, 1, 1), 3),  # the later of two on one day
    ]
    assert current_change(changes, date(2026, 6, 15)).order == 3
    assert current_change(changes, date(2026, 7, 1)).order == 1
    assert current_change(changes, date(2021, 1, 1)) is None


def test_the_next_rank_is_the_smallest_above_and_none_at_the_top():
    ranks = [1, 2, 3, 4, 5, 5, 5, 6]
    assert next_rank(ranks, 4) == 5
    assert next_rank(ranks, 5) == 6
    assert next_rank(ranks, 6) is None
    assert next_rank(ranks, None) == 1


# --- Progression applications: every (state, action) pair ------------------------------------

EXPECTED = {
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
ALL_PAIRS = [(state, action) for state in ApplicationState for action in Action]


@pytest.mark.parametrize(("state", "action"), ALL_PAIRS, ids=[f"{s.value}-{a.value}" for s, a in ALL_PAIRS])
def test_every_state_and_action(state, action):
    if (state, action) in EXPECTED:
        assert next_state(state, action) is EXPECTED[(state, action)]
    else:
        with pytest.raises(InvalidTransition, match=f"that is {state.value} cannot be"):
            next_state(state, action)


def test_the_transition_table_is_exactly_the_expected_one():
    assert TRANSITIONS == EXPECTED
    assert len(ALL_PAIRS) == 42


def test_approved_declined_and_withdrawn_are_final_and_say_so():
    assert {S.approved, S.declined, S.withdrawn} == FINAL
    assert {S.draft, S.submitted, S.returned, S.endorsed} == OPEN
    with pytest.raises(InvalidTransition, match="it is final"):
        next_state(S.declined, A.submit)


def test_an_invalid_transition_names_the_allowed_ones():
    with pytest.raises(InvalidTransition, match="it can be: endorse, return, withdraw"):
        next_state(S.submitted, A.approve)


def test_who_takes_each_action():
    assert {
        A.submit: Actor.worker,
        A.withdraw: Actor.worker,
        A.endorse: Actor.council,
        A.return_: Actor.council,
        A.approve: Actor.panel,
        A.decline: Actor.panel,
    } == ACTORS
    assert {S.draft, S.returned} == EDITABLE


# --- Boundaries the mutation run found untested (docs/mutation.md) -----------------------------


def test_records_on_the_first_and_last_day_of_the_registration_year_count():
    records = [cpd("2025-12-01"), cpd("2026-11-30", peer=True)]
    assert check_registration_year(records, date(2026, 6, 15)) == CpdYearCheck(
        year=2026,
        starts_on=date(2025, 12, 1),
        ends_on=date(2026, 11, 30),
        days_left=169,  # 16 days of June, then July to November
        records=2,
        records_required=2,
        peer_reflected=1,
        peer_reflected_required=1,
        met=True,
        missing=[],
    )


def test_a_council_asking_for_more_peer_reflection_is_told_how_many_more():
    records = [cpd("2026-01-10", peer=True), cpd("2026-02-10"), cpd("2026-03-10")]
    check = check_registration_year(records, date(2026, 6, 15), min_records=3, min_peer_reflected=3)
    assert (check.records_required, check.peer_reflected_required) == (3, 3)
    assert check.missing == ["2 more CPD records with peer reflection dated by 2026-11-30"]
    one_short = check_registration_year(records, date(2026, 6, 15), min_peer_reflected=2)
    assert one_short.missing == ["1 more CPD record with peer reflection dated by 2026-11-30"]


def test_a_registration_year_long_over_has_no_days_left():
    assert check_registration_year([], date(2027, 3, 1), year=2026).days_left == 0


def test_a_spell_starting_today_is_one_day_of_experience_at_that_council():
    experience = post_qualifying_experience([spell("331", "2026-06-15")], date(2026, 6, 15))
    assert (experience.days, experience.councils) == (1, ["331"])
    assert post_qualifying_experience([spell("331", "2026-06-16")], date(2026, 6, 15)).councils == []


def test_spells_a_day_apart_overlapping_by_a_day_or_back_to_back_count_the_days_worked():
    gap = [spell("330", "2024-01-01", "2024-01-10"), spell("331", "2024-01-12", "2024-01-20")]
    assert post_qualifying_experience(gap, date(2026, 6, 15)).days == 10 + 9  # 11 Jan not worked
    overlap = [spell("330", "2024-01-01", "2024-01-10"), spell("331", "2024-01-10", "2024-01-20")]
    assert post_qualifying_experience(overlap, date(2026, 6, 15)).days == 20
    back_to_back = [spell("330", "2024-01-01", "2024-01-10"), spell("331", "2024-01-11", "2024-01-20")]
    assert post_qualifying_experience(back_to_back, date(2026, 6, 15)).days == 20


def test_years_of_experience_are_rounded_down():
    experience = post_qualifying_experience([spell("330", "2025-01-01", "2025-12-30")], date(2026, 6, 15))
    assert experience.days == 364
    assert experience.years == Decimal("0.99")  # 0.997 years is not yet one


def test_a_spell_starting_or_ending_today_is_in_post_today():
    spells = [spell("330", "2020-01-01", "2026-06-15"), spell("331", "2026-06-15")]
    assert councils_in_post(spells, date(2026, 6, 15)) == ["331", "330"]
    assert councils_in_post(spells, date(2026, 6, 16)) == ["331"]
    assert councils_in_post(spells, date(2026, 6, 14)) == ["330"]


def test_asye_reviews_fall_due_whole_months_after_the_start():
    assert asye_review_due(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert asye_review_due(date(2025, 11, 30), 12) == date(2026, 11, 30)


def test_a_review_month_that_does_not_exist_names_the_ones_that_do():
    with pytest.raises(ValueError, match="ASYE reviews are at 3, 6, 9, 12 months"):
        outcomes_for(4)


def test_each_check_of_a_requirement_gives_what_is_required_and_what_the_worker_has():
    facts = WorkerFacts(Decimal("2.50"), Decimal("29.5"), frozenset({"reflective_account"}))
    requirement = Requirement(Decimal(2), Decimal(30), ["reflective_account", "a_new_kind"], "panel")
    assert check_requirement(requirement, facts) == [
        RequirementCheck("post_qualifying_years", True, required=Decimal(2), actual=Decimal("2.50")),
        RequirementCheck(
            "cpd_hours_last_12_months",
            False,
            required=Decimal(30),
            actual=Decimal("29.5"),
            missing="0.5 more hours of CPD in the last 12 months",
        ),
        RequirementCheck("evidence", True, evidence_kind="reflective_account"),
        RequirementCheck("evidence", False, evidence_kind="a_new_kind", missing="a_new_kind"),  # no name: its code
    ]


def test_half_a_year_short_of_experience_is_not_met():
    facts = WorkerFacts(Decimal("1.50"), Decimal(30), frozenset())
    years = check_requirement(Requirement(Decimal(2), Decimal(30), [], "panel"), facts)[0]
    assert (years.met, years.missing) == (False, "0.50 more years of post-qualifying experience")


def test_missing_evidence_is_what_is_required_and_not_provided_in_the_required_order():
    required = ["reflective_account", "service_user_feedback", "manager_endorsement"]
    assert missing_evidence(required, ["service_user_feedback"]) == ["reflective_account", "manager_endorsement"]
    assert missing_evidence(required, required) == []


@pytest.mark.parametrize(
    ("action", "said"),
    [
        (A.submit, "submitted"),
        (A.withdraw, "withdrawn"),
        (A.endorse, "endorsed"),
        (A.return_, "returned"),
        (A.approve, "approved"),
        (A.decline, "declined"),
    ],
)
def test_a_refused_action_is_named_in_plain_words(action, said):
    with pytest.raises(InvalidTransition) as refused:
        next_state(S.approved, action)
    assert str(refused.value) == f"An application that is approved cannot be {said}; it is final."
