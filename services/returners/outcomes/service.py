"""A cohort's outcomes: how many reached each stage, conversion and median days between stages, and how
many returners are still in post 6 and 12 months after starting (from placements' records)."""

import uuid
from collections import defaultdict
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.common.db import release_reads
from services.returners.cohorts.service import get_cohort_row
from services.returners.models import Applicant, StageEvent
from services.returners.outcomes.schemas import CohortOutcomes, Retention, StageConversion, StageCount
from services.returners.placements_client import PlacementsClient
from services.returners.rules import FUNNEL, OFF_RAMPS, Stage, conversion, in_post_after, median_days

RETENTION_MONTHS = (6, 12)


def cohort_outcomes(
    session: Session, cohort_id: uuid.UUID, placements: PlacementsClient, as_of: date
) -> CohortOutcomes:
    cohort = get_cohort_row(session, cohort_id)
    current = dict(
        session.exec(
            select(Applicant.stage, func.count()).where(Applicant.cohort_id == cohort.id).group_by(Applicant.stage)
        ).all()
    )
    # When each applicant first reached each stage.
    first_reached = session.exec(
        select(StageEvent.applicant_id, StageEvent.to_stage, func.min(StageEvent.effective_on))
        .join(Applicant, col(Applicant.id) == StageEvent.applicant_id)
        .where(Applicant.cohort_id == cohort.id)
        .group_by(StageEvent.applicant_id, StageEvent.to_stage)
    ).all()
    reached_on: dict[str, dict[uuid.UUID, date]] = defaultdict(dict)
    for applicant_id, stage, on in first_reached:
        reached_on[stage][applicant_id] = on

    def count(stage: Stage) -> StageCount:
        return StageCount(stage=stage, current=current.get(stage.value, 0), reached=len(reached_on[stage.value]))

    conversions = []
    for earlier, later in zip(FUNNEL, FUNNEL[1:], strict=False):
        starts, ends = reached_on[earlier.value], reached_on[later.value]
        conversions.append(
            StageConversion(
                from_stage=earlier,
                to_stage=later,
                conversion=conversion(len(starts), len(ends)),
                median_days=median_days((ends[who] - starts[who]).days for who in ends if who in starts),
            )
        )
    return CohortOutcomes(
        cohort_id=cohort.id,
        as_of=as_of,
        applicants=sum(current.values()),
        stages=[count(stage) for stage in FUNNEL],
        off_ramps=[count(stage) for stage in OFF_RAMPS],
        conversions=conversions,
        retention=_retention(session, cohort.id, placements, as_of),
    )


def _retention(session: Session, cohort_id: uuid.UUID, placements: PlacementsClient, as_of: date) -> list[Retention]:
    """Asks placements for each employed returner's spell, so a leaver recorded there counts here."""
    employment_ids = session.exec(
        select(Applicant.placements_employment_id).where(
            Applicant.cohort_id == cohort_id,
            Applicant.stage == Stage.employed.value,
            col(Applicant.placements_employment_id).is_not(None),
        )
    ).all()
    release_reads(session)  # placements is asked next
    spells = [
        dates for employment_id in employment_ids if (dates := placements.employment_dates(employment_id)) is not None
    ]
    retention = []
    for months in RETENTION_MONTHS:
        answers = [in_post_after(start, end, months, as_of) for start, end in spells]
        due = [answer for answer in answers if answer is not None]
        still = sum(due)
        retention.append(Retention(months=months, due=len(due), still_in_post=still, rate=conversion(len(due), still)))
    return retention
