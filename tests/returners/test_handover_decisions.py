"""The hand-over into employment, decided without a database or placements: what placements is asked to
record, what the applicant then holds, and the day the stage changes."""

import uuid
from datetime import date
from decimal import Decimal

from services.returners.handover.decisions import employed_fields, employed_on, plan_handover
from services.returners.handover.schemas import EmploymentCreate

SINCE, TODAY = date(2026, 3, 1), date(2026, 6, 1)


def body(**fields) -> EmploymentCreate:
    return EmploymentCreate(council="330", start_date=date(2026, 5, 1), agency=False, **fields)


def test_the_number_given_on_restoration_wins_over_the_one_applied_with():
    assert plan_handover(body(), "SW123").swe_number == "SW123"
    assert plan_handover(body(swe_number="sw 000456"), "SW123").swe_number == "SW456"


def test_placements_gets_the_spell_as_sent():
    handover = plan_handover(body(fte=Decimal("0.8"), org_role=5), "SW123")
    assert handover.spell() == {
        "council": "330",
        "start_date": date(2026, 5, 1),
        "agency": False,
        "fte": Decimal("0.800000"),
        "org_role": 5,
    }


def test_the_applicant_holds_the_spell_and_placements_ids():
    worker, spell = uuid.uuid4(), uuid.uuid4()
    fields = employed_fields(plan_handover(body(), "SW123"), worker, spell)
    assert fields["employed_council"] == "330"
    assert (fields["placements_worker_id"], fields["placements_employment_id"]) == (worker, spell)


def test_the_stage_changes_on_the_start_date_never_in_the_future_nor_before_the_stage_began():
    assert employed_on(SINCE, date(2026, 5, 1), TODAY) == date(2026, 5, 1)
    assert employed_on(SINCE, date(2026, 9, 1), TODAY) == TODAY
    assert employed_on(SINCE, date(2025, 9, 1), TODAY) == SINCE
