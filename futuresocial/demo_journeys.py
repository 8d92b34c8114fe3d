"""Every journey of the platform on the demo workforce, made through the services' own domain functions
(the same rules and audit as the API): the demo social worker's career record with its history, CPD,
evidence and a progression application; regional opportunities; a Return to Social Work cohort with
host councils and an applicant at every stage of the funnel.

Idempotent: each part is made once (the worker's career record, the seed's opportunities, the cohort
and each applicant by email are looked for first), so a second start changes nothing. Dates are laid
out backwards from `today`, so the first start's day decides them.
"""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import httpx
from sqlalchemy import text
from sqlmodel import Session, select

from futuresocial.demo_workforce import QUAL_INST
from services.careers.cpd import service as cpd
from services.careers.cpd.schemas import CpdCreate
from services.careers.evidence import service as evidence_portfolio
from services.careers.evidence.schemas import EvidenceCreate
from services.careers.models import Opportunity, ProgressionApplication
from services.careers.opportunities import service as opportunities
from services.careers.opportunities.schemas import InterestCreate, OpportunityCreate, OpportunityUpdate
from services.careers.placements_client import WorkerEmployment
from services.careers.progression import service as progression
from services.careers.progression import transitions
from services.careers.progression.schemas import ApplicationCreate
from services.careers.records import service as records
from services.careers.records.schemas import AsyeReviewCreate, CareerRecordCreate
from services.careers.rules import Action as CareerAction
from services.careers.rules import Spell
from services.common import clock
from services.common.auth import Principal, Role
from services.common.dates import add_months
from services.returners.applicants import application as return_application
from services.returners.applicants import enquiry, stages
from services.returners.applicants.schemas import ApplicantCreate
from services.returners.applicants.schemas import ApplicationCreate as ReturnApplication
from services.returners.cohorts.schemas import CohortCreate
from services.returners.handover import service as handover
from services.returners.handover.schemas import EmploymentCreate
from services.returners.hosts import service as hosts
from services.returners.hosts.schemas import HostMatchCreate, HostOfferCreate
from services.returners.models import Applicant, Cohort
from services.returners.placements_client import PlacementsClient
from services.returners.rules import FUNNEL, Stage
from services.returners.rules import Action as FunnelAction
from services.returners.updating import service as updating
from services.returners.updating.schemas import UpdatingActivityCreate

BIRMINGHAM = "330"
SEED = Principal(subject="demo-seed", role=Role.academy_admin)
COHORT_NAME = "West Midlands Return to Social Work (demo)"


def demo_worker(session: Session) -> str | None:
    """The demo social worker: the first synthetic person (by SWE number) employed at Birmingham today who
    qualified in the ASYE era (no spell before 2016), did their ASYE year at another council and joined
    Birmingham by 2022; so their record has a history at two councils."""
    rows = session.execute(
        text(
            "SELECT w.swe_number, e.council, e.start_date, e.end_date, e.agency FROM worker w "
            "JOIN employment e ON e.worker_id = w.id WHERE w.swe_number IN ("
            "  SELECT b.swe_number FROM worker b JOIN employment be ON be.worker_id = b.id"
            "  WHERE b.council = :here AND be.council = :here AND be.end_date IS NULL AND be.agency = :no"
            "  AND b.qual_inst = :demo) "
            "ORDER BY w.swe_number"
        ),
        {"here": BIRMINGHAM, "no": False, "demo": QUAL_INST},
    ).all()
    spells: dict[str, list[Spell]] = {}
    for swe_number, council, start, end, agency in rows:
        spells.setdefault(swe_number, []).append(Spell(council, bool(agency), _day(start), _day(end)))
    for swe_number, held in spells.items():
        if _has_a_two_council_history(held):
            return swe_number
    return None


def _day(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _has_a_two_council_history(spells: list[Spell]) -> bool:
    first = min(spell.start_date for spell in spells)
    here = [s for s in spells if s.council == BIRMINGHAM and s.end_date is None and not s.agency]
    elsewhere = [s for s in spells if s.council != BIRMINGHAM and not s.agency]
    return (
        first >= date(2016, 1, 1)
        and bool(here and elsewhere)
        and here[0].start_date <= date(2022, 12, 31)
        and first <= here[0].start_date - timedelta(days=365)
        and any(s.start_date == first and s.end_date and s.end_date >= add_months(first, 12) for s in elsewhere)
    )


# --- The demo social worker's career -----------------------------------------------------------


def _hr(council: str) -> Principal:
    return Principal(subject=f"demo-seed:hr-{council}", role=Role.council_hr, council=council)


def _council_on(spells: list[Spell], day: date) -> str:
    """The council the worker was employed by on `day` (their first council before any spell)."""
    held = [s for s in spells if not s.agency and s.start_date <= day and (s.end_date is None or s.end_date >= day)]
    return min(held, key=lambda s: s.start_date).council if held else min(spells, key=lambda s: s.start_date).council


CPD = [  # days before today, hours, kind, title, peer reflection, PCF domains
    (400, "3.0", "reading", "Research in Practice: contextual safeguarding briefing", False, ["knowledge"]),
    (300, "7.0", "training", "Trauma-informed practice (regional academy)", False, ["skills_and_interventions"]),
    (200, "4.0", "peer_learning", "Group case discussion on neglect", True, ["critical_reflection_and_analysis"]),
    (150, "6.0", "e_learning", "Mental Capacity Act refresher", False, ["rights_justice_and_economic_wellbeing"]),
    (90, "7.0", "conference", "West Midlands practice conference", False, ["contexts_and_organisations"]),
    (45, "12.0", "course", "Practice leadership for advanced practitioners", False, ["professional_leadership"]),
    (20, "2.0", "supervision", "Reflective supervision on a complex case", True, ["values_and_ethics"]),
    (0, "1.5", "peer_learning", "Peer reflection on today's strategy meeting", True, ["professionalism"]),
]


def seed_career(session: Session, placements: httpx.Client, swe_number: str, today: date) -> bool:
    """The worker's career record, levels consistent with their spells: ASYE at their first council (reviews
    at 3, 6, 9 and 12 months, passed: social worker), experienced a year after joining Birmingham through a
    progression application the panel approved, and now an application for advanced practitioner submitted
    with evidence. False when the record is already there."""
    if records.find_record(session, swe_number) is not None:
        return False
    worker = WorkerEmployment(placements, swe_number, today)  # placements is asked before anything is written
    spells = worker.spells
    started = min(spell.start_date for spell in spells)
    here = min(s.start_date for s in spells if s.council == BIRMINGHAM and s.end_date is None)
    first_council = _council_on(spells, started)
    me = Principal(subject="user:demo.worker", role=Role.social_worker, council=BIRMINGHAM, worker=swe_number)

    records.create_record(session, _hr(first_council), worker, CareerRecordCreate(
        swe_number=swe_number, level="asye", effective_on=started, qualified_on=started - timedelta(days=120),
        asye_started_on=started,
    ))  # fmt: skip
    for month, outcome in ((3, "on_track"), (6, "on_track"), (9, "concerns"), (12, "passed")):
        reviewed_on = add_months(started, month)
        notes = "Recording has fallen behind; a plan agreed in supervision." if outcome == "concerns" else None
        reviewer = _hr(_council_on(spells, reviewed_on))
        records.record_asye_review(session, reviewer, worker, AsyeReviewCreate(
            month=month, outcome=outcome, reviewed_on=reviewed_on, notes=notes,
        ))  # fmt: skip

    def evidence(kind: str, title: str, dated_on: date) -> uuid.UUID:
        item = EvidenceCreate(kind=kind, title=title, dated_on=dated_on)
        return evidence_portfolio.create_evidence(session, swe_number, item, today).id

    passed_on = add_months(started, 12)
    evidence("asye_certificate", "ASYE completion certificate", passed_on)
    experienced_on = add_months(here, 12)
    earlier = [
        evidence(kind, title, experienced_on - timedelta(days=days))
        for kind, title, days in (
            ("reflective_account", "Reflective account against the PCF experienced level", 60),
            ("service_user_feedback", "Feedback from two families I worked with", 50),
            ("manager_endorsement", "Team manager's endorsement in supervision", 30),
        )
    ]
    _through_the_panel(session, me, worker, "experienced", earlier, experienced_on)

    for days, hours, kind, title, peer, domains in CPD:
        cpd.create_cpd(session, swe_number, CpdCreate(
            activity_on=today - timedelta(days=days), hours=Decimal(hours), kind=kind, title=title,
            peer_reflection=peer, peer_name="A colleague in my team" if peer else None, pcf_domains=domains,
        ), today)  # fmt: skip
    now = [
        evidence(kind, title, today - timedelta(days=days))
        for kind, title, days in (
            ("reflective_account", "Reflective account at the PCF advanced level", 30),
            ("service_user_feedback", "Feedback gathered by the family group conference service", 25),
        )
    ]
    statement = "I lead the team's practice on neglect and supervise two newly qualified social workers."
    application = _draft(session, me, worker, ApplicationCreate(
        level="advanced", pathway="practitioner", evidence_ids=now, statement=statement,
    ))  # fmt: skip
    _act(session, me, application, worker, CareerAction.submit)
    session.flush()
    return True


def _draft(
    session: Session, me: Principal, worker: WorkerEmployment, data: ApplicationCreate
) -> ProgressionApplication:
    draft = progression.create_draft(session, me, worker, data)
    return session.get(ProgressionApplication, draft.id)


def _act(
    session: Session,
    principal: Principal,
    application: ProgressionApplication,
    worker: WorkerEmployment,
    action: CareerAction,
    **details,
) -> None:
    transitions.transition(session, principal, application, worker, action, **details)


def _through_the_panel(
    session: Session, me: Principal, worker: WorkerEmployment, level: str, evidence_ids: list[uuid.UUID], on: date
) -> None:
    """An application from draft to approval: submitted by the worker, endorsed by Birmingham's HR,
    approved by the academy's panel from `on`."""
    application = _draft(session, me, worker, ApplicationCreate(level=level, evidence_ids=evidence_ids))
    _act(session, me, application, worker, CareerAction.submit)
    _act(session, _hr(BIRMINGHAM), application, worker, CareerAction.endorse)
    _act(session, SEED, application, worker, CareerAction.approve, effective_on=on)


# --- Regional opportunities --------------------------------------------------------------------

OPPORTUNITIES = [  # council, kind, title, level, pathway, closes in (days; negative: closed)
    (BIRMINGHAM, "vacancy", "Advanced practitioner, assessment and intervention", "advanced", "practitioner", 28),
    ("331", "secondment", "Practice educator secondment to the teaching partnership", "advanced", "educator", 42),
    ("332", "development_post", "Experienced social worker development post, fostering", "experienced", None, 21),
    ("336", "vacancy", "Team manager, children in care", "advanced", "manager", 35),
    ("885", "development_post", "ASYE-to-social-worker development programme", "social_worker", None, 56),
    ("333", "secondment", "Secondment to the regional adoption agency", "experienced", None, -10),
]
OPPORTUNITY_TEXT = "A demo opportunity: the council's real posts come from its HR team."


def seed_opportunities(session: Session, today: date, swe_number: str | None) -> bool:
    """Posts from six councils, each by its own HR; one has closed (its closing date brought forward after
    posting, since a new post cannot close in the past). The demo worker registered interest in Birmingham's.
    False when the seed's opportunities are already there."""
    posted = select(Opportunity.id).where(Opportunity.description == OPPORTUNITY_TEXT)
    if session.exec(posted).first() is not None:
        return False
    for council, kind, title, level, pathway, closes_in in OPPORTUNITIES:
        closing_on = today + timedelta(days=max(closes_in, 0))
        made = opportunities.create_opportunity(session, _hr(council), OpportunityCreate(
            kind=kind, title=title, level=level, pathway=pathway, closing_on=closing_on, description=OPPORTUNITY_TEXT,
        ), today)  # fmt: skip
        if closes_in < 0:
            update = OpportunityUpdate(closing_on=today + timedelta(days=closes_in))
            opportunities.update_opportunity(session, _hr(council), made.id, update, today)
        elif council == BIRMINGHAM and swe_number:
            me = Principal(subject="user:demo.worker", role=Role.social_worker, council=BIRMINGHAM, worker=swe_number)
            note = "I would like to talk about this post at my next supervision."
            opportunities.register_interest(session, me, made.id, InterestCreate(note=note), today)
    session.flush()
    return True


# --- Return to Social Work ---------------------------------------------------------------------

# The day after the enquiry on which each stage of the funnel is reached.
REACHED_AFTER = {
    Stage.enquiry: 0, Stage.applied: 10, Stage.shortlisted: 20, Stage.assessed: 35, Stage.offered: 45,
    Stage.pre_employment_checks: 55, Stage.in_training: 70, Stage.supervised_practice: 100,
    Stage.restoration_applied: 150, Stage.restored: 180, Stage.employed: 200,
}  # fmt: skip
HOST_OFFERS = {BIRMINGHAM: 3, "331": 2, "332": 2, "336": 1}


@dataclass(frozen=True)
class Returner:
    name: str
    stage: Stage  # where they are now
    host: str | None = None  # the council hosting their supervised practice
    left_at: Stage | None = None  # an off-ramp taken from this stage
    years_away: int = 3

    @property
    def furthest(self) -> Stage:
        return self.left_at or self.stage

    @property
    def email(self) -> str:
        return f"{self.name.lower().replace(' ', '.')}@returners.demo.invalid"


RETURNERS = [
    Returner("Amara Enquiry", Stage.enquiry),
    Returner("Ben Applied", Stage.applied),
    Returner("Chloe Shortlisted", Stage.shortlisted),
    Returner("Dev Assessed", Stage.assessed),
    Returner("Erin Offered", Stage.offered),
    Returner("Farah Checks", Stage.pre_employment_checks, host="331"),
    Returner("Gareth Training", Stage.in_training, host="332"),
    Returner("Hana Practice", Stage.supervised_practice, host=BIRMINGHAM),
    Returner("Idris Restoration", Stage.restoration_applied, host="331"),
    Returner("Jess Restored", Stage.restored, host=BIRMINGHAM),
    Returner("Kofi Employed", Stage.employed, host=BIRMINGHAM),
    Returner("Lena Withdrawn", Stage.withdrawn, host="332", left_at=Stage.in_training),
    Returner("Marek Not Eligible", Stage.not_eligible, left_at=Stage.enquiry, years_away=12),
    Returner("Nia Not Selected", Stage.not_selected, left_at=Stage.assessed),
]
ACTIONS = {stage: action for (stage, action) in (
    (Stage.applied, FunnelAction.apply), (Stage.shortlisted, FunnelAction.shortlist),
    (Stage.assessed, FunnelAction.assess), (Stage.offered, FunnelAction.offer),
    (Stage.pre_employment_checks, FunnelAction.start_checks), (Stage.in_training, FunnelAction.start_training),
    (Stage.supervised_practice, FunnelAction.start_supervised_practice),
    (Stage.restoration_applied, FunnelAction.apply_for_restoration), (Stage.restored, FunnelAction.restore),
)}  # fmt: skip
OFF_RAMP_ACTIONS = {Stage.withdrawn: FunnelAction.withdraw, Stage.not_selected: FunnelAction.not_select}


def seed_returners(session: Session, placements: httpx.Client, today: date) -> int:
    """The cohort, its host councils' offers, and an applicant at every stage of the funnel and on each
    off-ramp, moved stage by stage through the funnel's own rules (capacity, host matched before supervised
    practice, updating complete before the restoration application) and, for the one employed, handed to
    placements as the API does. Returns the applicants made (0 when all are there)."""
    cohort = session.exec(select(Cohort).where(Cohort.name == COHORT_NAME)).first()
    if cohort is None:
        from services.returners.cohorts import service as cohorts

        made = cohorts.create_cohort(session, SEED, CohortCreate(
            name=COHORT_NAME, intake_opens=today - timedelta(days=300), intake_closes=today + timedelta(days=60),
            starts_on=today - timedelta(days=240), capacity=12,
        ))  # fmt: skip
        for council, places in HOST_OFFERS.items():
            hosts.create_offer(session, SEED, made.id, HostOfferCreate(council=council, places=places))
        session.commit()
        cohort = session.get(Cohort, made.id)
    made_now = 0
    for returner in RETURNERS:
        applicant = session.exec(select(Applicant).where(Applicant.email == returner.email)).first()
        if applicant is None:
            applicant = _through_the_funnel(session, cohort, returner, today)
            made_now += 1
            session.commit()
        if returner.stage is Stage.employed and applicant.stage == Stage.restored.value:
            start = _enquired_on(returner, today) + timedelta(days=REACHED_AFTER[Stage.employed])
            handover.record_employed(session, SEED, applicant.id, EmploymentCreate(
                council=returner.host, start_date=start, agency=False, fte=Decimal(1), org_role=5,
                note="Started in the assessment team where she did her supervised practice.",
            ), PlacementsClient(placements), today)  # fmt: skip
            session.commit()
    return made_now


def _enquired_on(returner: Returner, today: date) -> date:
    """Early enough to have reached their furthest stage 5 days ago (20 days into supervised practice)."""
    since = 20 if returner.furthest is Stage.supervised_practice else 5
    left = 10 if returner.left_at else 0
    return today - timedelta(days=REACHED_AFTER[returner.furthest] + since + left)


def _through_the_funnel(session: Session, cohort: Cohort, returner: Returner, today: date) -> Applicant:
    enquired_on = _enquired_on(returner, today)
    made = enquiry.create_applicant(
        session, SEED, ApplicantCreate(name=returner.name, email=returner.email, region="West Midlands"),
        enquired_on=enquired_on,
    )  # fmt: skip
    number = 8_000_000_001 + RETURNERS.index(returner)
    if returner.furthest is not Stage.enquiry or returner.stage is Stage.not_eligible:
        applied_on = enquired_on + timedelta(days=REACHED_AFTER[Stage.applied])
        left_register = applied_on - timedelta(days=365 * returner.years_away + 100)
        application = ReturnApplication(
            cohort_id=cohort.id, registration_number=f"SW{number}", date_left_register=left_register,
            date_last_practised=left_register - timedelta(days=30), years_statutory_practice=Decimal(6),
            applied_on=applied_on,
        )  # fmt: skip
        return_application.submit_application(session, SEED, made.id, application, today)
    applicant = session.get(Applicant, made.id)
    furthest = FUNNEL.index(returner.furthest) if returner.furthest in FUNNEL else 0
    for stage in FUNNEL[FUNNEL.index(Stage.shortlisted) : min(furthest, FUNNEL.index(Stage.restored)) + 1]:
        on = enquired_on + timedelta(days=REACHED_AFTER[stage])
        if stage is Stage.restoration_applied:
            _log_updating(session, applicant, enquired_on, today)
        stages.move(session, SEED, applicant, ACTIONS[stage], on)
        if stage is Stage.offered and returner.host:
            hosts.match(session, SEED, applicant.id, HostMatchCreate(council=returner.host))
    if returner.furthest is Stage.supervised_practice:
        _log_updating(session, applicant, enquired_on, today)
    if returner.stage in OFF_RAMP_ACTIONS:
        on = enquired_on + timedelta(days=REACHED_AFTER[returner.left_at] + 10)
        stages.move(session, SEED, applicant, OFF_RAMP_ACTIONS[returner.stage], on, "Demo: left the programme.")
    session.flush()
    return applicant


def _log_updating(session: Session, applicant: Applicant, enquired_on: date, today: date) -> None:
    """Six days of formal study during training and 24 of supervised practice with the host (7 hours a day):
    the 30 days someone 2 to 5 years away needs, or as much of it as has happened by yesterday."""
    supervisor = {
        "supervisor_name": "Demo practice supervisor", "supervisor_regulator": "SWE",
        "supervisor_registration_number": "SW9000000001", "supervisor_years_registered": Decimal(8),
        "supervisor_fitness_to_practise_sanction": False,
    }  # fmt: skip
    for kind, first, last, extra in (
        ("formal_study", 72, 91, {"description": "Return to practice module, University of Birmingham"}),
        ("supervised_practice", 100, 145, supervisor),
    ):
        started_on = enquired_on + timedelta(days=first)
        ended_on = min(enquired_on + timedelta(days=last), today - timedelta(days=1))
        days = min(((ended_on - started_on).days + 1) * 5 // 7, 6 if kind == "formal_study" else 24)
        if days > 0:
            updating.log_activity(session, SEED, applicant.id, UpdatingActivityCreate(
                kind=kind, started_on=started_on, ended_on=ended_on, hours=Decimal(7 * days), **extra,
            ))  # fmt: skip


def seed_demo_journeys(session: Session, placements: httpx.Client, today: date | None = None) -> dict[str, object]:
    """Everything above, for the demo worker; what was made now (nothing on a second start)."""
    today = today or clock.today()
    swe_number = demo_worker(session)
    made = {
        "worker": swe_number,
        "career_record": bool(swe_number) and seed_career(session, placements, swe_number, today),
        "opportunities": seed_opportunities(session, today, swe_number),
    }
    session.commit()
    made["applicants"] = seed_returners(session, placements, today)
    return made
