"""What a worker's next level needs: for each of its pathways, each requirement met or not."""

from sqlmodel import Session, col, select

from services.careers.cpd.service import hours_last_12_months
from services.careers.evidence.service import evidence_kinds_held
from services.careers.framework.index import as_rule, load_framework
from services.careers.models import ProgressionApplication
from services.careers.placements_client import WorkerEmployment
from services.careers.records.schemas import NextStep, NextStepOption, RequirementCheckPublic
from services.careers.records.service import current_level_of, experience_public, get_record
from services.careers.rules import OPEN, HowReached, WorkerFacts, check_requirement


def next_step(session: Session, worker: WorkerEmployment) -> NextStep:
    """The next level (each of its pathways) and, for each requirement, met or not and what is missing."""
    record = get_record(session, worker.swe_number)
    today = worker.today
    index = load_framework(session)
    current = current_level_of(session, record, today)
    following = index.rank_after(current.level_id if current else None)
    cpd_hours = hours_last_12_months(session, worker.swe_number, today)
    facts = WorkerFacts(
        pq_years=worker.experience.years,
        cpd_hours_12_months=cpd_hours,
        evidence_kinds=evidence_kinds_held(session, worker.swe_number),
    )
    open_applications = {
        (application.target_level_id, application.target_pathway_id): application.id
        for application in session.exec(
            select(ProgressionApplication).where(
                ProgressionApplication.record_id == record.id,
                col(ProgressionApplication.state).in_([state.value for state in OPEN]),
            )
        )
    }
    options = []
    for level in (level for level in index.levels if level.rank == following):
        for pathway in index.pathways_of(level) or [None]:
            requirement = index.requirement(level, pathway)
            checks = check_requirement(as_rule(requirement), facts) if requirement else []
            open_id = open_applications.get((level.id, pathway.id if pathway else None))
            options.append(
                NextStepOption(
                    level=index.level_ref(level.id),
                    pathway=index.pathway_ref(pathway.id if pathway else None),
                    how_reached=requirement.how_reached if requirement else None,
                    requirements=[RequirementCheckPublic.model_validate(c, from_attributes=True) for c in checks],
                    all_met=all(check.met for check in checks),
                    missing=[check.missing for check in checks if check.missing],
                    can_apply=bool(requirement)
                    and requirement.how_reached == HowReached.panel
                    and not open_applications,
                    open_application_id=open_id,
                )
            )
    return NextStep(
        swe_number=worker.swe_number,
        level=index.level_ref(current.level_id) if current else None,
        pathway=index.pathway_ref(current.pathway_id) if current else None,
        experience=experience_public(worker),
        cpd_hours_last_12_months=cpd_hours,
        options=options,
    )
