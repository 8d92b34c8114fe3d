"""Behaviour of the placements domain rules: SWE numbers, census years, agency engagement."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.census_calendar import census_reference_date, census_year_of, census_year_start
from services.common.dates import add_months
from services.common.swe import normalise_swe, swe_for_census
from services.placements.rules import (
    NATIONAL_RULE,
    PQ_RULE,
    REGIONAL_RULE,
    AgencyPolicy,
    RuleOutcome,
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


# --- What a check says: every rule's outcome in full ------------------------------------------


def test_a_refusal_names_the_council_the_leaving_date_and_the_first_day_it_is_possible():
    decision = check(LEFT_COVENTRY, date(2026, 3, 14))
    assert decision.rules == [
        RuleOutcome(
            REGIONAL_RULE,
            False,
            "left a permanent post at council 331 on 2025-03-15; under the West Midlands MoU an agency "
            "engagement is possible from 2026-03-15 (12 months later)",
            {
                "left_permanent_post": date(2025, 3, 15),
                "allowed_from": date(2026, 3, 15),
                "proposed_start": date(2026, 3, 14),
            },
        ),
        RuleOutcome(
            NATIONAL_RULE,
            True,
            "last left a permanent post in the region on 2025-03-15, more than 3 months before the proposed start",
            {
                "left_permanent_post": date(2025, 3, 15),
                "allowed_from": date(2025, 6, 15),
                "proposed_start": date(2026, 3, 14),
            },
        ),
        # 1 Mar 2020 to 15 Mar 2025 is 1,841 days (29 Feb 2024 among them); the three years before
        # 14 Mar 2026 are 1,096 days (29 Feb 2024 again), the 1,096th day worked is 1 Mar 2023.
        RuleOutcome(
            PQ_RULE,
            True,
            "5 years 16 days (1841 days) of direct council employment before 2026-03-14; 3 years (1096 days) needed",
            {
                "first_employed": date(2020, 3, 1),
                "experience_met_on": date(2023, 3, 1),
                "proposed_start": date(2026, 3, 14),
            },
        ),
    ]


def test_an_excused_leaver_is_told_which_exception_applies_and_that_no_wait_is_needed():
    made_redundant = [permanent(COVENTRY, date(2020, 3, 1), date(2025, 3, 15), reason_leave=3)]
    decision = check(made_redundant, date(2025, 4, 1), policy=AgencyPolicy(regional_exceptions=True))
    assert decision.rule(REGIONAL_RULE) == RuleOutcome(
        REGIONAL_RULE,
        True,
        "left a permanent post at council 331 on 2025-03-15, within 12 months, but the West Midlands MoU "
        "excuses it: redundancy (ReasonLeave 3)",
        {"left_permanent_post": date(2025, 3, 15), "allowed_from": None, "proposed_start": date(2025, 4, 1)},
        exception="redundancy (ReasonLeave 3)",
    )
    assert decision.rule(NATIONAL_RULE) == RuleOutcome(
        NATIONAL_RULE,
        True,
        "left a permanent post at council 331 on 2025-03-15, within 3 months, but the national rule "
        "excuses it: redundancy (ReasonLeave 3)",
        {"left_permanent_post": date(2025, 3, 15), "allowed_from": None, "proposed_start": date(2025, 4, 1)},
        exception="redundancy (ReasonLeave 3)",
    )
    assert decision.allowed


def test_the_probation_exception_says_how_long_probation_is():
    history = [
        permanent(BIRMINGHAM, date(2019, 1, 1), date(2024, 6, 30)),
        permanent(COVENTRY, date(2024, 12, 1), date(2025, 5, 31)),  # the day before six months
    ]
    national = check(history, date(2025, 6, 9), policy=AgencyPolicy(regional_months=0)).rule(NATIONAL_RULE)
    assert national.passed
    assert national.exception == "left during probation (spell shorter than 6 months)"
    assert national.detail.endswith(
        "but the national rule excuses it: left during probation (spell shorter than 6 months)"
    )


def test_a_permanent_post_still_open_is_named_with_its_start_under_both_cooling_off_rules():
    history = [permanent(COVENTRY, date(2018, 1, 1), None)]
    decision = check(history, date(2025, 6, 1))
    deciding = {
        "permanent_post_start": date(2018, 1, 1),
        "left_permanent_post": None,
        "proposed_start": date(2025, 6, 1),
    }
    assert decision.rules[:2] == [
        RuleOutcome(
            REGIONAL_RULE,
            False,
            "still in a permanent post at council 331 (since 2018-01-01); the West Midlands MoU can be checked "
            "once the leaving date is known",
            deciding,
        ),
        RuleOutcome(
            NATIONAL_RULE,
            False,
            "still in a permanent post at council 331 (since 2018-01-01); the national rule can be checked "
            "once the leaving date is known",
            deciding,
        ),
    ]
    assert decision.rule(PQ_RULE).passed  # the open post's seven years count up to the day before
    assert not decision.allowed


def test_someone_never_in_a_permanent_post_in_the_region_passes_both_cooling_off_rules_saying_so():
    history = [permanent(LANCASHIRE, date(2020, 1, 1), date(2025, 3, 15))]
    decision = check(history, date(2025, 3, 16))
    for rule in (REGIONAL_RULE, NATIONAL_RULE):
        assert decision.rule(rule) == RuleOutcome(
            rule,
            True,
            "no permanent post in a council of the region before the proposed start",
            {"proposed_start": date(2025, 3, 16)},
        )


def test_before_the_national_rules_were_in_force_both_say_from_when_they_apply():
    history = [permanent(COVENTRY, date(2023, 1, 1), date(2023, 6, 30))]
    decision = check(history, date(2024, 10, 30), policy=AgencyPolicy(regional_months=0))
    deciding = {"proposed_start": date(2024, 10, 30), "in_force_from": date(2024, 10, 31)}
    assert decision.rules[1:] == [
        RuleOutcome(NATIONAL_RULE, True, "the national rules apply to engagements from 2024-10-31", deciding),
        RuleOutcome(PQ_RULE, True, "the national rules apply to engagements from 2024-10-31", deciding),
    ]


def test_a_permanent_post_starting_on_the_proposed_start_blocks_and_one_starting_the_day_after_does_not():
    proposed = date(2025, 6, 2)
    experienced = permanent(LANCASHIRE, date(2015, 1, 1), date(2025, 5, 31))
    starting_that_day = check([experienced, permanent(COVENTRY, proposed, None)], proposed)
    assert not starting_that_day.rule(REGIONAL_RULE).passed
    assert not starting_that_day.rule(NATIONAL_RULE).passed
    assert "still in a permanent post at council 331" in starting_that_day.rule(REGIONAL_RULE).detail
    starting_after = check([experienced, permanent(COVENTRY, proposed + timedelta(days=1), None)], proposed)
    assert starting_after.allowed


def test_the_refusal_of_a_council_outside_the_region_names_it():
    with pytest.raises(ValueError, match="council 888 is not one of the region's councils"):
        check(LEFT_COVENTRY, date(2026, 6, 1), council=LANCASHIRE)


def test_of_two_recent_leavings_the_one_that_waits_longer_decides():
    history = [
        permanent(BIRMINGHAM, date(2015, 1, 1), date(2024, 11, 30)),
        permanent(COVENTRY, date(2024, 12, 1), date(2025, 2, 10)),  # left later: waits longer
    ]
    regional = check(history, date(2025, 10, 1)).rule(REGIONAL_RULE)
    assert regional.deciding_dates["left_permanent_post"] == date(2025, 2, 10)
    assert regional.deciding_dates["allowed_from"] == date(2026, 2, 10)
    reversed_order = check(list(reversed(history)), date(2025, 10, 1)).rule(REGIONAL_RULE)
    assert reversed_order == regional


def test_of_two_excused_leavings_the_later_is_the_one_reported():
    history = [
        permanent(BIRMINGHAM, date(2015, 1, 1), date(2025, 5, 2), reason_leave=2),
        permanent(COVENTRY, date(2025, 5, 5), date(2025, 5, 20)),  # under probation
    ]
    national = check(history, date(2025, 6, 1), policy=AgencyPolicy(regional_months=0)).rule(NATIONAL_RULE)
    assert national.passed
    assert national.deciding_dates["left_permanent_post"] == date(2025, 5, 20)
    assert national.exception == "left during probation (spell shorter than 6 months)"
    again = check(list(reversed(history)), date(2025, 6, 1), policy=AgencyPolicy(regional_months=0))
    assert again.rule(NATIONAL_RULE) == national


def test_two_leavings_that_wait_until_the_same_day_name_the_later_leaving_whatever_the_order():
    # 28 and 29 Feb 2024 both wait until 28 Feb 2025 (there is no 29 Feb 2025)
    history = [
        permanent(COVENTRY, date(2015, 1, 1), date(2024, 2, 28)),
        permanent(BIRMINGHAM, date(2010, 1, 1), date(2024, 2, 29)),  # started earlier, left later
    ]
    for order in (history, list(reversed(history))):
        regional = check(order, date(2025, 2, 27)).rule(REGIONAL_RULE)
        assert regional.deciding_dates["left_permanent_post"] == date(2024, 2, 29)
        assert regional.detail.startswith("left a permanent post at council 330 on 2024-02-29;")
        assert regional.deciding_dates["allowed_from"] == date(2025, 2, 28)


def test_of_two_posts_still_open_the_latest_started_is_named_whatever_the_order():
    history = [permanent(COVENTRY, date(2015, 1, 1), None), permanent(BIRMINGHAM, date(2020, 1, 1), None)]
    for order in (history, list(reversed(history))):
        regional = check(order, date(2025, 6, 1)).rule(REGIONAL_RULE)
        assert regional.deciding_dates["permanent_post_start"] == date(2020, 1, 1)
        assert "council 330" in regional.detail


def test_the_last_leaving_is_reported_when_every_wait_is_over():
    history = [
        permanent(BIRMINGHAM, date(2015, 1, 1), date(2021, 6, 30)),
        permanent(COVENTRY, date(2021, 7, 1), date(2023, 3, 31)),
        permanent(SOLIHULL, date(2018, 1, 1), date(2019, 12, 31)),
    ]
    regional = check(history, date(2025, 1, 6)).rule(REGIONAL_RULE)
    assert regional.passed
    assert regional.deciding_dates == {
        "left_permanent_post": date(2023, 3, 31),
        "allowed_from": date(2024, 3, 31),
        "proposed_start": date(2025, 1, 6),
    }


# --- Experience against a count of the days themselves -----------------------------------------


def three_years_before(day: date) -> date:
    """The same day three years earlier; 29 Feb goes back to 28 Feb of a common year."""
    try:
        return day.replace(year=day.year - 3)
    except ValueError:
        return date(day.year - 3, 2, 28)


def days_worked_before(history: list[SpellFact], proposed_start: date) -> list[date]:
    worked = set()
    for spell in history:
        if spell.agency:
            continue
        day, last = spell.start_date, spell.end_date or proposed_start
        while day <= last and day < proposed_start:
            worked.add(day)
            day += timedelta(days=1)
    return sorted(worked)


ORIGIN = date(2019, 1, 1)
spells = st.lists(
    st.tuples(st.integers(0, 2600), st.integers(0, 900), st.booleans(), st.booleans()),
    max_size=6,
)


@given(raw=spells, proposed_offset=st.integers(800, 2700))
def test_experience_is_the_direct_employment_days_before_the_start_counted_once(raw, proposed_offset):
    history = [
        SpellFact(
            LANCASHIRE,
            agency=agency,
            start_date=ORIGIN + timedelta(days=start),
            end_date=None if still_open else ORIGIN + timedelta(days=start + length),
        )
        for start, length, agency, still_open in raw
    ]
    proposed = ORIGIN + timedelta(days=proposed_offset)
    worked = days_worked_before(history, proposed)
    needed = (proposed - three_years_before(proposed)).days
    in_force = AgencyPolicy(regional_months=0, national_months=0, national_rules_from=ORIGIN)
    pq = check(history, proposed, policy=in_force).rule(PQ_RULE)
    assert pq.passed is (len(worked) >= needed)
    assert pq.deciding_dates["experience_met_on"] == (worked[needed - 1] if len(worked) >= needed else None)
    starts = [s.start_date for s in history if not s.agency and s.start_date < proposed]
    assert pq.deciding_dates["first_employed"] == (min(starts) if starts else None)
    assert pq.detail.startswith(f"{len(worked) // 365} years {len(worked) % 365} days ({len(worked)} days) ")
    assert pq.detail.endswith(f"before {proposed}; 3 years ({needed} days) needed")


def test_a_spell_inside_another_adds_nothing_and_the_spells_after_it_still_count():
    history = [
        permanent(LANCASHIRE, date(2020, 1, 1), date(2021, 12, 31)),  # 731 days
        permanent(LANCASHIRE, date(2020, 6, 1), date(2020, 6, 30)),  # inside the first
        permanent(BIRMINGHAM, date(2022, 1, 1), date(2022, 12, 31)),  # 365 days, right after
    ]
    pq = check(history, date(2025, 1, 6)).rule(PQ_RULE)
    assert pq.detail.startswith("3 years 1 days (1096 days)")
    assert pq.passed  # 6 Jan 2022 to 5 Jan 2025 is 1,096 days with 29 Feb 2024
    assert pq.deciding_dates["experience_met_on"] == date(2022, 12, 31)


def test_spells_overlapping_by_one_day_count_that_day_once():
    history = [
        permanent(LANCASHIRE, date(2021, 1, 1), date(2022, 12, 31)),
        permanent(BIRMINGHAM, date(2022, 12, 31), date(2023, 12, 31)),  # shares 31 Dec 2022
    ]
    pq = check(history, date(2025, 1, 6)).rule(PQ_RULE)
    assert pq.detail.startswith("3 years 0 days (1095 days)")  # 730 + 365
    assert not pq.passed


def test_an_open_post_counts_up_to_the_day_before_the_proposed_start():
    proposed = date(2025, 6, 1)
    history = [permanent(LANCASHIRE, date(2022, 6, 2), None)]  # 2 Jun 2022 to 31 May 2025: a day short
    pq = check(history, proposed).rule(PQ_RULE)
    assert pq.detail.startswith("3 years 0 days (1095 days)")
    assert not pq.passed
    a_day_earlier = check([permanent(LANCASHIRE, date(2022, 6, 1), None)], proposed).rule(PQ_RULE)
    assert a_day_earlier.passed
    assert a_day_earlier.deciding_dates["experience_met_on"] == date(2025, 5, 31)


def test_two_excused_leavings_that_wait_until_the_same_day_name_the_later_leaving():
    history = [
        permanent(BIRMINGHAM, date(2010, 1, 1), date(2024, 2, 29), reason_leave=2),
        permanent(COVENTRY, date(2015, 1, 1), date(2024, 2, 28), reason_leave=3),
    ]
    for order in (history, list(reversed(history))):
        regional = check(order, date(2025, 2, 27), policy=AgencyPolicy(regional_exceptions=True)).rule(REGIONAL_RULE)
        assert regional.passed
        assert regional.deciding_dates["left_permanent_post"] == date(2024, 2, 29)
        assert regional.exception == "redundancy (ReasonLeave 2)"


def test_a_post_still_open_decides_even_beside_one_left_long_ago():
    history = [permanent(BIRMINGHAM, date(2010, 1, 1), date(2015, 12, 31)), permanent(COVENTRY, date(2016, 1, 4), None)]
    for order in (history, list(reversed(history))):
        regional = check(order, date(2025, 6, 1)).rule(REGIONAL_RULE)
        assert not regional.passed
        assert regional.deciding_dates["permanent_post_start"] == date(2016, 1, 4)


def test_the_regional_rule_excuses_a_probation_leaver_when_the_policy_says_so():
    history = [
        permanent(BIRMINGHAM, date(2019, 1, 1), date(2024, 6, 30)),
        permanent(COVENTRY, date(2025, 1, 6), date(2025, 5, 30)),
    ]
    decision = check(history, date(2025, 9, 1), policy=AgencyPolicy(regional_exceptions=True))
    regional = decision.rule(REGIONAL_RULE)
    assert regional.passed
    assert regional.exception == "left during probation (spell shorter than 6 months)"
    assert not check(history, date(2025, 9, 1)).rule(REGIONAL_RULE).passed  # the MoU alone excuses nobody


def test_a_post_started_the_day_before_the_proposed_start_is_one_day_of_experience():
    proposed = date(2025, 6, 1)
    history = [permanent(LANCASHIRE, date(2025, 5, 31), None)]
    pq = check(history, proposed).rule(PQ_RULE)
    assert pq.detail.startswith("0 years 1 days (1 days)")
    assert pq.deciding_dates["first_employed"] == date(2025, 5, 31)
