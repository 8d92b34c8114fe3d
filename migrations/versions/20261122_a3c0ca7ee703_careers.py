"""careers: career framework, records, CPD, progression, opportunities; the region's framework seeded

Revision ID: a3c0ca7ee703
Revises: ff5226e56c99
Create Date: 2026-11-22 14:30:00

The framework (PCF levels, the advanced level's pathways, what each level needs, the nine PCF
domains and the KSS standards) is seeded here so that every database has it; academy staff edit it
through the API afterwards. The values are the region's starting point (rules.md, "Career
pathway"), written out in full so this revision never changes with the application's code.
"""

import uuid
from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "a3c0ca7ee703"
down_revision: str | None = "ff5226e56c99"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Seed ids are derived from their codes, so every database has the same ids for the seeded framework.
_NAMESPACE = uuid.UUID("5b7c1d0e-2f8a-4c1e-9a55-3f0d6c2e7a11")


def _id(kind: str, code: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"{kind}:{code}")


LEVELS = [
    # code, rank, name, typical local grade, description
    (
        "student",
        1,
        "Student social worker",
        None,
        "On a qualifying programme: entry, readiness for practice, end of first placement, end of last placement.",
    ),
    (
        "asye",
        2,
        "Newly qualified social worker (ASYE)",
        "NQSW",
        "Qualified within 2 years (up to 4 if knowledge is current); a 12-month assessed and supported year in "
        "employment with reviews at 3, 6, 9 and 12 months, about 90% workload and 10% protected development time.",
    ),
    ("social_worker", 3, "Social worker", "Social worker", "Reached automatically when the ASYE is passed."),
    (
        "experienced",
        4,
        "Experienced social worker",
        "Senior social worker",
        "Reached through a progression panel: post-qualifying experience, a reflective account against the PCF "
        "experienced level, feedback from people who use services and the manager's endorsement in supervision.",
    ),
    (
        "advanced",
        5,
        "Advanced social worker",
        "Advanced practitioner, practice educator, team manager, practice supervisor",
        "Three pathways: practitioner and educator through a panel (substantial experience, a reflective account "
        "at advanced level, service-user feedback); manager posts by recruitment only.",
    ),
    (
        "strategic",
        6,
        "Strategic social worker",
        "Service manager, head of service, principal social worker, practice leader",
        "Reached by recruitment.",
    ),
]
PATHWAYS = [
    # level, code, name, description
    (
        "advanced",
        "practitioner",
        "Advanced practitioner",
        "Expert practice and practice leadership in cases.",
    ),
    (
        "advanced",
        "educator",
        "Practice educator",
        "Teaching and assessing students and newly qualified workers.",
    ),
    ("advanced", "manager", "Manager", "Team manager and practice supervisor posts, by recruitment."),
]
REQUIREMENTS = [
    # level, pathway, min post-qualifying years, min CPD hours in the last 12 months, evidence, how reached
    ("asye", None, "0", "0", [], "recruitment"),
    ("social_worker", None, "1", "0", ["asye_certificate"], "automatic"),
    (
        "experienced",
        None,
        "2",
        "30",
        ["reflective_account", "service_user_feedback", "manager_endorsement"],
        "panel",
    ),
    ("advanced", "practitioner", "5", "30", ["reflective_account", "service_user_feedback"], "panel"),
    ("advanced", "educator", "5", "30", ["reflective_account", "service_user_feedback"], "panel"),
    ("advanced", "manager", "5", "30", ["kss_assessment"], "recruitment"),
    ("strategic", None, "7", "30", ["kss_assessment"], "recruitment"),
]
PCF_DOMAINS = [
    ("professionalism", "Professionalism"),
    ("values_and_ethics", "Values and ethics"),
    ("diversity_and_equality", "Diversity and equality"),
    ("rights_justice_and_economic_wellbeing", "Rights, justice and economic wellbeing"),
    ("knowledge", "Knowledge"),
    ("critical_reflection_and_analysis", "Critical reflection and analysis"),
    ("skills_and_interventions", "Skills and interventions"),
    ("contexts_and_organisations", "Contexts and organisations"),
    ("professional_leadership", "Professional leadership"),
]
KSS_STANDARDS = [
    ("child_and_family_practitioners", "KSS for child and family practitioners", "social_worker"),
    ("practice_supervisors", "KSS for practice supervisors", "advanced"),
    ("practice_leaders", "KSS for practice leaders", "strategic"),
]


def upgrade() -> None:
    career_level = op.create_table(
        "career_level",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("typical_local_grade", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_career_level")),
        sa.UniqueConstraint("code", name=op.f("uq_career_level_code")),
    )
    with op.batch_alter_table("career_level", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_career_level_rank"), ["rank"], unique=False)

    op.create_table(
        "career_record",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("swe_number", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("qualified_on", sa.Date(), nullable=True),
        sa.Column("asye_started_on", sa.Date(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_career_record")),
        sa.UniqueConstraint("swe_number", name=op.f("uq_career_record_swe_number")),
    )
    op.create_table(
        "cpd_record",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("swe_number", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("activity_on", sa.Date(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=5, scale=1), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("reflection", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
        sa.Column("peer_reflection", sa.Boolean(), nullable=False),
        sa.Column("peer_name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("pcf_domains", sa.JSON(), nullable=False),
        sa.Column("evidence_description", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("evidence_reference", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cpd_record")),
    )
    with op.batch_alter_table("cpd_record", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cpd_record_swe_number_activity_on", ["swe_number", "activity_on"], unique=False
        )

    op.create_table(
        "evidence_item",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("swe_number", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("dated_on", sa.Date(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_item")),
    )
    with op.batch_alter_table("evidence_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_item_swe_number"), ["swe_number"], unique=False)

    pcf_domain = op.create_table(
        "pcf_domain",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pcf_domain")),
        sa.UniqueConstraint("code", name=op.f("uq_pcf_domain_code")),
    )
    op.create_table(
        "asye_review",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"], ["career_record.id"], name=op.f("fk_asye_review_record_id_career_record")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asye_review")),
        sa.UniqueConstraint("record_id", "month", name="uq_asye_review_record_month"),
    )
    with op.batch_alter_table("asye_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_asye_review_record_id"), ["record_id"], unique=False)

    career_pathway = op.create_table(
        "career_pathway",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("level_id", sa.Uuid(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.ForeignKeyConstraint(
            ["level_id"], ["career_level.id"], name=op.f("fk_career_pathway_level_id_career_level")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_career_pathway")),
        sa.UniqueConstraint("level_id", "code", name="uq_career_pathway_level_code"),
    )
    with op.batch_alter_table("career_pathway", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_career_pathway_level_id"), ["level_id"], unique=False)

    kss_standard = op.create_table(
        "kss_standard",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("level_id", sa.Uuid(), nullable=True),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.ForeignKeyConstraint(
            ["level_id"], ["career_level.id"], name=op.f("fk_kss_standard_level_id_career_level")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kss_standard")),
        sa.UniqueConstraint("code", name=op.f("uq_kss_standard_code")),
    )
    level_requirement = op.create_table(
        "level_requirement",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("level_id", sa.Uuid(), nullable=False),
        sa.Column("pathway_id", sa.Uuid(), nullable=True),
        sa.Column("min_pq_years", sa.Numeric(precision=4, scale=1), nullable=False),
        sa.Column("min_cpd_hours", sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column("evidence_kinds", sa.JSON(), nullable=False),
        sa.Column("how_reached", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["level_id"], ["career_level.id"], name=op.f("fk_level_requirement_level_id_career_level")
        ),
        sa.ForeignKeyConstraint(
            ["pathway_id"], ["career_pathway.id"], name=op.f("fk_level_requirement_pathway_id_career_pathway")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_level_requirement")),
        sa.UniqueConstraint("level_id", "pathway_id", name="uq_level_requirement_level_pathway"),
    )
    with op.batch_alter_table("level_requirement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_level_requirement_level_id"), ["level_id"], unique=False)

    op.create_table(
        "local_grade",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("council", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("level_id", sa.Uuid(), nullable=False),
        sa.Column("pathway_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["council"], ["council.code"], name=op.f("fk_local_grade_council_council")),
        sa.ForeignKeyConstraint(
            ["level_id"], ["career_level.id"], name=op.f("fk_local_grade_level_id_career_level")
        ),
        sa.ForeignKeyConstraint(
            ["pathway_id"], ["career_pathway.id"], name=op.f("fk_local_grade_pathway_id_career_pathway")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_grade")),
        sa.UniqueConstraint("council", "name", name="uq_local_grade_council_name"),
    )
    with op.batch_alter_table("local_grade", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_local_grade_council"), ["council"], unique=False)

    op.create_table(
        "opportunity",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("council", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("level_id", sa.Uuid(), nullable=False),
        sa.Column("pathway_id", sa.Uuid(), nullable=True),
        sa.Column("closing_on", sa.Date(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("posted_by", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["council"], ["council.code"], name=op.f("fk_opportunity_council_council")),
        sa.ForeignKeyConstraint(
            ["level_id"], ["career_level.id"], name=op.f("fk_opportunity_level_id_career_level")
        ),
        sa.ForeignKeyConstraint(
            ["pathway_id"], ["career_pathway.id"], name=op.f("fk_opportunity_pathway_id_career_pathway")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity")),
    )
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_opportunity_closing_on"), ["closing_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_opportunity_council"), ["council"], unique=False)
        batch_op.create_index(batch_op.f("ix_opportunity_level_id"), ["level_id"], unique=False)

    op.create_table(
        "progression_application",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("swe_number", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("target_level_id", sa.Uuid(), nullable=False),
        sa.Column("target_pathway_id", sa.Uuid(), nullable=True),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("statement", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
        sa.Column("council", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("feedback", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
        sa.Column("resubmission_of", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["career_record.id"],
            name=op.f("fk_progression_application_record_id_career_record"),
        ),
        sa.ForeignKeyConstraint(
            ["resubmission_of"],
            ["progression_application.id"],
            name=op.f("fk_progression_application_resubmission_of_progression_application"),
        ),
        sa.ForeignKeyConstraint(
            ["target_level_id"],
            ["career_level.id"],
            name=op.f("fk_progression_application_target_level_id_career_level"),
        ),
        sa.ForeignKeyConstraint(
            ["target_pathway_id"],
            ["career_pathway.id"],
            name=op.f("fk_progression_application_target_pathway_id_career_pathway"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progression_application")),
    )
    with op.batch_alter_table("progression_application", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_progression_application_council"), ["council"], unique=False)
        batch_op.create_index(batch_op.f("ix_progression_application_record_id"), ["record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_progression_application_state"), ["state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_progression_application_swe_number"), ["swe_number"], unique=False
        )

    op.create_table(
        "application_event",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("from_state", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
        sa.Column("to_state", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("actor_role", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("actor_council", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
        sa.Column("occurred_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["progression_application.id"],
            name=op.f("fk_application_event_application_id_progression_application"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_event")),
    )
    with op.batch_alter_table("application_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_event_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "application_evidence",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("evidence_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["progression_application.id"],
            name=op.f("fk_application_evidence_application_id_progression_application"),
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence_item.id"],
            name=op.f("fk_application_evidence_evidence_id_evidence_item"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_evidence")),
        sa.UniqueConstraint("application_id", "evidence_id", name="uq_application_evidence_pair"),
    )
    with op.batch_alter_table("application_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_evidence_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_application_evidence_evidence_id"), ["evidence_id"], unique=False
        )

    op.create_table(
        "level_change",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("level_id", sa.Uuid(), nullable=False),
        sa.Column("pathway_id", sa.Uuid(), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("council", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["progression_application.id"],
            name=op.f("fk_level_change_application_id_progression_application"),
        ),
        sa.ForeignKeyConstraint(
            ["level_id"], ["career_level.id"], name=op.f("fk_level_change_level_id_career_level")
        ),
        sa.ForeignKeyConstraint(
            ["pathway_id"], ["career_pathway.id"], name=op.f("fk_level_change_pathway_id_career_pathway")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["career_record.id"], name=op.f("fk_level_change_record_id_career_record")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_level_change")),
    )
    with op.batch_alter_table("level_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_level_change_record_id"), ["record_id"], unique=False)

    op.create_table(
        "opportunity_interest",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("opportunity_id", sa.Uuid(), nullable=False),
        sa.Column("swe_number", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("registered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunity.id"],
            name=op.f("fk_opportunity_interest_opportunity_id_opportunity"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity_interest")),
        sa.UniqueConstraint("opportunity_id", "swe_number", name="uq_opportunity_interest_worker"),
    )
    with op.batch_alter_table("opportunity_interest", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opportunity_interest_opportunity_id"), ["opportunity_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_opportunity_interest_swe_number"), ["swe_number"], unique=False)

    op.bulk_insert(
        career_level,
        [
            {
                "id": _id("level", code),
                "code": code,
                "rank": rank,
                "name": name,
                "typical_local_grade": grade,
                "description": description,
            }
            for code, rank, name, grade, description in LEVELS
        ],
    )
    op.bulk_insert(
        career_pathway,
        [
            {
                "id": _id("pathway", f"{level}.{code}"),
                "level_id": _id("level", level),
                "code": code,
                "name": name,
                "description": description,
            }
            for level, code, name, description in PATHWAYS
        ],
    )
    op.bulk_insert(
        level_requirement,
        [
            {
                "id": _id("requirement", f"{level}.{pathway}"),
                "level_id": _id("level", level),
                "pathway_id": _id("pathway", f"{level}.{pathway}") if pathway else None,
                "min_pq_years": Decimal(years),
                "min_cpd_hours": Decimal(hours),
                "evidence_kinds": evidence,
                "how_reached": how,
            }
            for level, pathway, years, hours, evidence, how in REQUIREMENTS
        ],
    )
    op.bulk_insert(
        pcf_domain,
        [
            {"id": _id("pcf", code), "code": code, "name": name, "position": position, "description": None}
            for position, (code, name) in enumerate(PCF_DOMAINS, start=1)
        ],
    )
    op.bulk_insert(
        kss_standard,
        [
            {
                "id": _id("kss", code),
                "code": code,
                "name": name,
                "level_id": _id("level", level),
                "description": None,
            }
            for code, name, level in KSS_STANDARDS
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("opportunity_interest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opportunity_interest_swe_number"))
        batch_op.drop_index(batch_op.f("ix_opportunity_interest_opportunity_id"))

    op.drop_table("opportunity_interest")
    with op.batch_alter_table("level_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_level_change_record_id"))

    op.drop_table("level_change")
    with op.batch_alter_table("application_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_evidence_evidence_id"))
        batch_op.drop_index(batch_op.f("ix_application_evidence_application_id"))

    op.drop_table("application_evidence")
    with op.batch_alter_table("application_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_event_application_id"))

    op.drop_table("application_event")
    with op.batch_alter_table("progression_application", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_progression_application_swe_number"))
        batch_op.drop_index(batch_op.f("ix_progression_application_state"))
        batch_op.drop_index(batch_op.f("ix_progression_application_record_id"))
        batch_op.drop_index(batch_op.f("ix_progression_application_council"))

    op.drop_table("progression_application")
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opportunity_level_id"))
        batch_op.drop_index(batch_op.f("ix_opportunity_council"))
        batch_op.drop_index(batch_op.f("ix_opportunity_closing_on"))

    op.drop_table("opportunity")
    with op.batch_alter_table("local_grade", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_local_grade_council"))

    op.drop_table("local_grade")
    with op.batch_alter_table("level_requirement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_level_requirement_level_id"))

    op.drop_table("level_requirement")
    op.drop_table("kss_standard")
    with op.batch_alter_table("career_pathway", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_career_pathway_level_id"))

    op.drop_table("career_pathway")
    with op.batch_alter_table("asye_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_asye_review_record_id"))

    op.drop_table("asye_review")
    op.drop_table("pcf_domain")
    with op.batch_alter_table("evidence_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_item_swe_number"))

    op.drop_table("evidence_item")
    with op.batch_alter_table("cpd_record", schema=None) as batch_op:
        batch_op.drop_index("ix_cpd_record_swe_number_activity_on")

    op.drop_table("cpd_record")
    op.drop_table("career_record")
    with op.batch_alter_table("career_level", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_career_level_rank"))

    op.drop_table("career_level")
