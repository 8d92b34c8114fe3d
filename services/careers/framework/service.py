"""Reading the whole framework (everyone with the careers scope) and editing it (academy staff)."""

import uuid

from pydantic import BaseModel
from sqlmodel import Session, col, select

from services.careers.framework import schemas
from services.careers.framework.index import FrameworkIndex, load_framework
from services.careers.models import CareerLevel, CareerPathway, KssStandard, LevelRequirement, PcfDomain
from services.careers.rules import EvidenceKind
from services.common.errors import Conflict
from services.common.rows import Row, flush_or_conflict, get_or_404

# --- Reading -----------------------------------------------------------------------------------


def _level_public(index: FrameworkIndex, level: CareerLevel) -> schemas.LevelPublic:
    requirements = sorted(
        (r for r in index.requirements if r.level_id == level.id),
        key=lambda r: index.pathway_code(r.pathway_id) or "",
    )
    return schemas.LevelPublic(
        id=level.id,
        code=level.code,
        name=level.name,
        rank=level.rank,
        typical_local_grade=level.typical_local_grade,
        description=level.description,
        pathways=[schemas.PathwayPublic.model_validate(p) for p in index.pathways_of(level)],
        requirements=[index.requirement_public(r) for r in requirements],
    )


def _kss_public(index: FrameworkIndex, standard: KssStandard) -> schemas.KssStandardPublic:
    level = index.level_by_id.get(standard.level_id) if standard.level_id else None
    return schemas.KssStandardPublic(
        id=standard.id,
        code=standard.code,
        name=standard.name,
        level=level.code if level else None,
        description=standard.description,
    )


def read_framework(session: Session) -> schemas.Framework:
    index = load_framework(session)
    domains = session.exec(select(PcfDomain).order_by(PcfDomain.position, PcfDomain.code))
    standards = session.exec(select(KssStandard).order_by(KssStandard.code))
    return schemas.Framework(
        levels=[_level_public(index, level) for level in index.levels],
        pcf_domains=[schemas.PcfDomainPublic.model_validate(domain) for domain in domains],
        kss_standards=[_kss_public(index, standard) for standard in standards],
        evidence_kinds=list(EvidenceKind),
    )


# --- Editing (academy staff) -------------------------------------------------------------------


def _create_coded(session: Session, model: type[Row], data: BaseModel, what: str, **columns) -> Row:
    """A row of `model` from `data` (and `columns`), unless a row already has its code: 409, "There is already
    {what} 'code'."."""
    conflict = f"There is already {what} {data.code!r}."
    if session.exec(select(model.id).where(model.code == data.code)).first():
        raise Conflict(conflict)
    row = model.model_validate(data.model_dump(include=set(model.model_fields)), update=columns)
    session.add(row)
    flush_or_conflict(session, conflict)
    return row


def _update(session: Session, row: Row, changes: dict) -> Row:
    row.sqlmodel_update(changes)
    session.add(row)
    session.flush()
    return row


def _changed(session: Session, model: type[Row], row_id: uuid.UUID, what: str, data: BaseModel) -> Row:
    """The row of `model` with this id (404 naming `what`), with the fields `data` sets changed."""
    return _update(
        session,
        get_or_404(session, model, row_id, f"No {what} with this id was found."),
        data.model_dump(exclude_unset=True),
    )


def create_level(session: Session, data: schemas.LevelCreate) -> schemas.LevelPublic:
    level = _create_coded(session, CareerLevel, data, "a level")
    return _level_public(load_framework(session), level)


def update_level(session: Session, level_id: uuid.UUID, data: schemas.LevelUpdate) -> schemas.LevelPublic:
    level = _changed(session, CareerLevel, level_id, "level", data)
    return _level_public(load_framework(session), level)


def create_pathway(session: Session, level_id: uuid.UUID, data: schemas.PathwayCreate) -> schemas.PathwayPublic:
    level = get_or_404(session, CareerLevel, level_id, "No level with this id was found.")
    conflict = f"The {level.code} level already has a pathway {data.code!r}."
    if session.exec(
        select(CareerPathway.id).where(CareerPathway.level_id == level.id, CareerPathway.code == data.code)
    ).first():
        raise Conflict(conflict)
    pathway = CareerPathway(level_id=level.id, **data.model_dump())
    session.add(pathway)
    flush_or_conflict(session, conflict)
    return schemas.PathwayPublic.model_validate(pathway)


def update_pathway(session: Session, pathway_id: uuid.UUID, data: schemas.PathwayUpdate) -> schemas.PathwayPublic:
    return schemas.PathwayPublic.model_validate(_changed(session, CareerPathway, pathway_id, "pathway", data))


def create_requirement(session: Session, data: schemas.RequirementCreate) -> schemas.RequirementPublic:
    index = load_framework(session)
    level = index.level(data.level, ["body", "level"])
    pathway = index.pathway(level, data.pathway, ["body", "pathway"], required=False)
    pathway_id = pathway.id if pathway else None
    conflict = f"The {level.code} level{f' ({pathway.code})' if pathway else ''} already has a requirement."
    if any(r.level_id == level.id and r.pathway_id == pathway_id for r in index.requirements):
        raise Conflict(conflict)
    row = LevelRequirement(
        level_id=level.id,
        pathway_id=pathway_id,
        min_pq_years=data.min_pq_years,
        min_cpd_hours=data.min_cpd_hours,
        evidence_kinds=[kind.value for kind in dict.fromkeys(data.evidence_kinds)],
        how_reached=data.how_reached.value,
    )
    session.add(row)
    flush_or_conflict(session, conflict)
    index.requirements.append(row)
    return index.requirement_public(row)


def update_requirement(
    session: Session, requirement_id: uuid.UUID, data: schemas.RequirementUpdate
) -> schemas.RequirementPublic:
    row = get_or_404(session, LevelRequirement, requirement_id, "No requirement with this id was found.")
    changes = data.model_dump(exclude_unset=True, mode="json")
    if "evidence_kinds" in changes:
        changes["evidence_kinds"] = list(dict.fromkeys(changes["evidence_kinds"]))
    _update(session, row, changes)
    session.refresh(row)
    return load_framework(session).requirement_public(row)


def delete_requirement(session: Session, requirement_id: uuid.UUID) -> None:
    session.delete(get_or_404(session, LevelRequirement, requirement_id, "No requirement with this id was found."))
    session.flush()


def create_pcf_domain(session: Session, data: schemas.PcfDomainCreate) -> schemas.PcfDomainPublic:
    return schemas.PcfDomainPublic.model_validate(_create_coded(session, PcfDomain, data, "a PCF domain"))


def update_pcf_domain(session: Session, domain_id: uuid.UUID, data: schemas.PcfDomainUpdate) -> schemas.PcfDomainPublic:
    return schemas.PcfDomainPublic.model_validate(_changed(session, PcfDomain, domain_id, "PCF domain", data))


def create_kss_standard(session: Session, data: schemas.KssStandardCreate) -> schemas.KssStandardPublic:
    index = load_framework(session)
    level = index.level(data.level, ["body", "level"]) if data.level else None
    standard = _create_coded(session, KssStandard, data, "a KSS standard", level_id=level.id if level else None)
    return _kss_public(index, standard)


def update_kss_standard(
    session: Session, standard_id: uuid.UUID, data: schemas.KssStandardUpdate
) -> schemas.KssStandardPublic:
    standard = get_or_404(session, KssStandard, standard_id, "No KSS standard with this id was found.")
    index = load_framework(session)
    changes = data.model_dump(exclude_unset=True)
    if "level" in changes:
        code = changes.pop("level")
        standard.level_id = index.level(code, ["body", "level"]).id if code else None
    _update(session, standard, changes)
    return _kss_public(index, standard)


def known_pcf_codes(session: Session, codes: list[str]) -> set[str]:
    if not codes:
        return set()
    return set(session.exec(select(PcfDomain.code).where(col(PcfDomain.code).in_(codes))))
