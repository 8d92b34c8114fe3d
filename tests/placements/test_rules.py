"""Behaviour of the placements domain rules: SWE numbers, census years, agency engagement."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.census_calendar import add_months, census_reference_date, census_year_of, census_year_start
from services.common.swe import normalise_swe, swe_for_census
from services.placements.rules import (
    NATIONAL_RULE,
    PQ_RULE,
    REGIONAL_RULE,
    AgencyPolicy,
    SpellFact,
    check_agency_engagement,
)

WEST_MIDLANDS = frozenset(
    {"330", "331", "332", "333", "334", "335", "336", "884", "885", "860", "861", "893", "894", "937"}
)
COVENTRY, SOLIHULL, BIRMINGHAM = "331", "334", "330"
LANCASHIRE = "888"  # outside the region


# --- SWE numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["SW123", "sw 0123", "SW0000000123", " Sw 00123 ", "sW\t123", "SW000000000000123"])
def test_every_spelling_of_an_swe_number_normalises_to_one_form(raw):
    assert normalise_swe(raw) == "SW123"


def test_a_ten_digit_number_is_kept_whole():
    assert normalise_swe("SW9876543210") == "SW9876543210"


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("SW", "digits"),
        ("SW0000", "zeros"),
        ("SW12A3", "digits"),
        ("SW12345678901", "ten digits"),
        ("HC123", "start with SW"),
        ("123", "start with SW"),
        ("SW١٢٣", "digits"),  # Arabic-Indic digits are digits to Python, not to SWE
    ],
)
def test_a_number_that_is_not_an_swe_number_is_refused_with_a_reason(raw, words):
    with pytest.raises(ValueError, match=words):
        normalise_swe(raw)


def test_the_census_spelling_pads_to_ten_digits():
    assert swe_for_census("SW123") == "SW0000000123"
    assert swe_for_census("SW9876543210") == "SW9876543210"


def test_the_census_spelling_needs_a_normalised_number():
    with pytest.raises(ValueError):
        swe_for_census("SW0123")


swe_numbers = st.integers(1, 10**10 - 1).map(lambda number: f"SW{number}")


@given(swe_numbers)
def test_the_census_spelling_normalises_back(swe):
    assert normalise_swe(swe_for_census(swe)) == swe


@given(
    swe_numbers,
    st.integers(0, 5),
    st.sampled_from(["", " ", "  ", "\t"]),
    st.sampled_from(["", " ", "\n"]),
    st.booleans(),
)
def test_spaces_case_and_zeros_do_not_change_the_number(swe, zeros, gap, edge, lower):
    prefix = "sw" if lower else "Sw"
    spelled = f"{edge}{prefix}{gap}{'0' * zeros}{swe[2:]}{edge}"
    assert normalise_swe(spelled) == swe


# --- Census years ------------------------------------------------------------------------------


def test_census_year_runs_from_october_to_september():
    assert census_year_start(2024) == date(2023, 10, 1)
    assert census_reference_date(2024) == date(2024, 9, 30)
    assert census_year_of(date(2023, 10, 1)) == 2024
    assert census_year_of(date(2024, 9, 30)) == 2024
    assert census_year_of(date(2024, 10, 1)) == 2025


def test_adding_months_clamps_to_the_end_of_a_shorter_month():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
    assert add_months(date(2025, 3, 15), -12) == date(2024, 3, 15)


# --- Agency engagement -------------------------------------------------------------------------


def permanent(council, start, end, reason_leave=1):
    return SpellFact(council, agency=False, start_date=start, end_date=end, reason_leave=reason_leave)


# Five years in Coventry, leaving 15 March 2025: enough experience for the national rule.
LEFT_COVENTRY = [permanent(COVENTRY, date(2020, 3, 1), date(2025, 3, 15))]


def check(history, proposed_start, council=SOLIHULL, policy=AgencyPolicy()):
    return check_agency_engagement(history, council, proposed_start, WEST_MIDLANDS, policy)


def test_leaving_a_permanent_post_11_months_29_days_ago_is_refused_by_the_regional_rule():
    decision = check(LEFT_COVENTRY, date(2026, 3, 14))
    regional = decision.rule(REGIONAL_RULE)
    assert not decision.allowed
    assert not regional.passed
    assert regional.deciding_dates["left_permanent_post"] == date(2025, 3, 15)
    assert regional.deciding_dates["allowed_from"] == date(2026, 3, 15)
    assert decision.rule(NATIONAL_RULE).passed  # the stricter regional rule is what refuses


def test_exactly_12_months_after_leaving_is_allowed():
    decision = check(LEFT_COVENTRY, date(2026, 3, 15))
    assert decision.allowed
    assert all(outcome.passed for outcome in decision.rules)


def test_every_rule_is_reported_even_when_one_refuses():
    decision = check(LEFT_COVENTRY, date(2025, 4, 1))
    assert [outcome.rule for outcome in decision.rules] == [REGIONAL_RULE, NATIONAL_RULE, PQ_RULE]
    assert not decision.rule(REGIONAL_RULE).passed
    assert not decision.rule(NATIONAL_RULE).passed
    assert decision.rule(NATIONAL_RULE).deciding_dates["allowed_from"] == date(2025, 6, 15)
    assert decision.rule(PQ_RULE).passed


def test_redundancy_excuses_the_national_rule_but_not_the_regional_one():
    made_redundant = [permanent(COVENTRY, date(2020, 3, 1), date(2025, 3, 15), reason_leave=3)]
    decision = check(made_redundant, date(2025, 4, 1))
    national = decision.rule(NATIONAL_RULE)
    assert national.passed
    assert national.exception is not None and "redundancy" in national.exception
    assert not decision.rule(REGIONAL_RULE).passed
    assert not decision.allowed


def test_redundancy_excuses_the_regional_rule_too_when_the_policy_says_so():
    made_redundant = [permanent(COVENTRY, date(2020, 3, 1), date(2025, 3, 15), reason_leave=2)]
    decision = check(made_redundant, date(2025, 4, 1), policy=AgencyPolicy(regional_exceptions=True))
    assert decision.allowed
    assert "redundancy" in (decision.rule(REGIONAL_RULE).exception or "")


def test_leaving_during_probation_excuses_the_national_rule():
    history = [
        permanent(BIRMINGHAM, date(2019, 1, 1), date(2024, 6, 30)),
        permanent(COVENTRY, date(2025, 1, 6), date(2025, 5, 30)),  # under six months
    ]
    policy = AgencyPolicy(regional_months=0)  # to see the national rule decide alone
    decision = check(history, date(2025, 6, 9), policy=policy)
    national = decision.rule(NATIONAL_RULE)
    assert national.passed
    assert "probation" in (national.exception or "")
    assert decision.allowed


def test_a_six_month_spell_is_past_probation():
    history = [
        permanent(BIRMINGHAM, date(2019, 1, 1), date(2024, 6, 30)),
        permanent(COVENTRY, date(2024, 12, 1), date(2025, 6, 1)),
    ]
    decision = check(history, date(2025, 6, 9), policy=AgencyPolicy(regional_months=0))
    assert not decision.rule(NATIONAL_RULE).passed


def test_a_permanent_post_outside_the_region_does_not_count_for_cooling_off():
    history = [permanent(LANCASHIRE, date(2020, 1, 1), date(2025, 3, 15))]
    decision = check(history, date(2025, 3, 16))
    assert decision.rule(REGIONAL_RULE).passed
    assert decision.rule(NATIONAL_RULE).passed
    assert decision.allowed  # and its five years count as experience


def test_an_earlier_agency_spell_is_not_a_permanent_post():
    history = [
        permanent(LANCASHIRE, date(2018, 1, 1), date(2022, 1, 1)),
        SpellFact(COVENTRY, agency=True, start_date=date(2022, 2, 1), end_date=date(2025, 3, 15)),
    ]
    assert check(history, date(2025, 3, 16)).allowed


def test_a_permanent_post_still_open_blocks_cooling_off_until_a_leaving_date_is_known():
    history = [permanent(COVENTRY, date(2018, 1, 1), None)]
    decision = check(history, date(2025, 6, 1))
    assert not decision.rule(REGIONAL_RULE).passed
    assert "leaving date" in decision.rule(REGIONAL_RULE).detail


def test_under_three_years_experience_is_refused():
    history = [permanent(LANCASHIRE, date(2022, 6, 2), date(2025, 5, 31))]  # a day short
    decision = check(history, date(2025, 6, 1))
    pq = decision.rule(PQ_RULE)
    assert not pq.passed
    assert pq.deciding_dates["experience_met_on"] is None
    assert not decision.allowed


def test_exactly_three_years_experience_is_enough():
    history = [permanent(LANCASHIRE, date(2022, 6, 1), date(2025, 5, 31))]
    pq = check(history, date(2025, 6, 1)).rule(PQ_RULE)
    assert pq.passed
    assert pq.deciding_dates["experience_met_on"] == date(2025, 5, 31)


def test_experience_is_summed_across_two_councils():
    history = [
        permanent(LANCASHIRE, date(2019, 1, 1), date(2020, 12, 31)),  # two years
        permanent(BIRMINGHAM, date(2022, 1, 1), date(2023, 6, 30)),  # eighteen months
    ]
    decision = check(history, date(2024, 12, 1))
    pq = decision.rule(PQ_RULE)
    assert pq.passed
    assert pq.deciding_dates["first_employed"] == date(2019, 1, 1)
    assert date(2022, 12, 1) < pq.deciding_dates["experience_met_on"] < date(2023, 1, 31)
    assert decision.allowed


def test_overlapping_spells_are_not_counted_twice():
    history = [
        permanent(LANCASHIRE, date(2022, 1, 1), date(2024, 1, 1)),
        permanent(BIRMINGHAM, date(2023, 1, 1), date(2024, 6, 1)),  # overlaps a year
    ]
    assert not check(history, date(2025, 9, 1)).rule(PQ_RULE).passed


def test_agency_work_and_time_after_the_proposed_start_are_not_experience():
    history = [
        SpellFact(LANCASHIRE, agency=True, start_date=date(2015, 1, 1), end_date=date(2021, 1, 1)),
        permanent(LANCASHIRE, date(2023, 1, 1), None),  # still employed there
    ]
    assert not check(history, date(2025, 1, 1)).rule(PQ_RULE).passed


def test_national_rules_do_not_apply_before_31_october_2024():
    history = [permanent(COVENTRY, date(2023, 1, 1), date(2023, 6, 30))]
    decision = check(history, date(2024, 10, 30), policy=AgencyPolicy(regional_months=0))
    assert decision.allowed
    assert decision.rule(PQ_RULE).passed
    assert not check(history, date(2024, 10, 31), policy=AgencyPolicy(regional_months=0)).allowed


def test_the_engaging_council_must_be_in_the_region():
    with pytest.raises(ValueError):
        check(LEFT_COVENTRY, date(2026, 6, 1), council=LANCASHIRE)
