"""The career framework as data: levels, pathways, requirements, PCF domains, KSS standards, and each
council's local grades. Academy staff edit it; everyone with the careers scope reads it."""

import uuid
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from services.careers.models import (
    CareerLevel,
    CareerPathway,
    KssStandard,
    LevelRequirement,
    LocalGrade,
    PcfDomain,
)
from services.careers.rules import EvidenceKind, Requirement
from services.careers.schemas import (
    Framework,
    KssStandardCreate,
    KssStandardPublic,
    KssStandardUpdate,
    LevelCreate,
    LevelPublic,
    LevelRef,
    LevelUpdate,
    LocalGradeCreate,
    LocalGradePublic,
    LocalGradeUpdate,
    PathwayCreate,
    PathwayPublic,
    PathwayRef,
    PathwayUpdate,
    PcfDomainCreate,
    PcfDomainPublic,
    PcfDomainUpdate,
    RequirementCreate,
    RequirementPublic,
    RequirementUpdate,
)
from services.common.auth import Principal, Role
from services.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from services.common.models import Council
from services.common.pagination import PageParams, paginate


def invalid(loc: list[str | int], code: str, message: str) -> InvalidInput:
    return InvalidInput(message[0].upper() + message[1:] + ".", errors=[{"loc": loc, "code": code, "message": message}])


def _flush(session: Session, conflict: str) -> None:
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(conflict)


# --- The framework in memory: small tables, read once per request ------------------------------


@dataclass
class FrameworkIndex:
    levels: list[CareerLevel]
    pathways: list[CareerPathway]
    requirements: list[LevelRequirement]
    level_by_id: dict[uuid.UUID, CareerLevel] = field(init=False)
    level_by_code: dict[str, CareerLevel] = field(init=False)
    pathway_by_id: dict[uuid.UUID, CareerPathway] = field(init=False)

    def __post_init__(self) -> None:
        self.level_by_id = {level.id: level for level in self.levels}
        self.level_by_code = {level.code: level for level in self.levels}
        self.pathway_by_id = {pathway.id: pathway for pathway in self.pathways}

    def pathways_of(self, level: CareerLevel) -> list[CareerPathway]:
        return sorted((p for p in self.pathways if p.level_id == level.id), key=lambda p: p.code)

    def level(self, code: str, loc: list[str | int]) -> CareerLevel:
        level = self.level_by_code.get(code)
        if level is None:
            known = ", ".join(level.code for level in self.levels)
            raise invalid(loc, "unknown_level", f"there is no level {code!r} (levels: {known})")
        return level

    def pathway(
        self, level: CareerLevel, code: str | None, loc: list[str | int], required: bool = True
    ) -> CareerPathway | None:
        """The named pathway of `level`; a level with pathways needs one named when `required`."""
        pathways = self.pathways_of(level)
        if code is None:
            if pathways and required:
                names = ", ".join(p.code for p in pathways)
                raise invalid(loc, "pathway_required", f"name the {level.code} level's pathway ({names})")
            return None
        for pathway in pathways:
            if pathway.code == code:
                return pathway
        raise invalid(loc, "unknown_pathway", f"the {level.code} level has no pathway {code!r}")

    def requirement(self, level: CareerLevel, pathway: CareerPathway | None) -> LevelRequirement | None:
        """The requirement of a level on a pathway, else of the level as a whole."""
        by_key = {(r.level_id, r.pathway_id): r for r in self.requirements}
        if pathway is not None and (level.id, pathway.id) in by_key:
            return by_key[(level.id, pathway.id)]
        return by_key.get((level.id, None))

    def level_ref(self, level_id: uuid.UUID) -> LevelRef:
        level = self.level_by_id[level_id]
        return LevelRef(code=level.code, name=level.name, rank=level.rank)

    def pathway_ref(self, pathway_id: uuid.UUID | None) -> PathwayRef | None:
        if pathway_id is None:
            return None
        pathway = self.pathway_by_id[pathway_id]
        return PathwayRef(code=pathway.code, name=pathway.name)

    def requirement_public(self, row: LevelRequirement) -> RequirementPublic:
        pathway = self.pathway_by_id.get(row.pathway_id) if row.pathway_id else None
        return RequirementPublic(
            id=row.id,
            level=self.level_by_id[row.level_id].code,
            pathway=pathway.code if pathway else None,
            min_pq_years=row.min_pq_years,
            min_cpd_hours=row.min_cpd_hours,
            evidence_kinds=[EvidenceKind(kind) for kind in row.evidence_kinds],
            how_reached=row.how_reached,
        )


def load_framework(session: Session) -> FrameworkIndex:
    return FrameworkIndex(
        levels=list(session.exec(select(CareerLevel).order_by(CareerLevel.rank, CareerLevel.code))),
        pathways=list(session.exec(select(CareerPathway).order_by(CareerPathway.code))),
        requirements=list(session.exec(select(LevelRequirement))),
    )


def as_rule(row: LevelRequirement) -> Requirement:
    return Requirement(
        min_pq_years=row.min_pq_years,
        min_cpd_hours=row.min_cpd_hours,
        evidence_kinds=list(row.evidence_kinds),
        how_reached=row.how_reached,
    )


# --- Reading -----------------------------------------------------------------------------------


def _level_public(index: FrameworkIndex, level: CareerLevel) -> LevelPublic:
    requirements = sorted(
        (r for r in index.requirements if r.level_id == level.id),
        key=lambda r: index.pathway_by_id[r.pathway_id].code if r.pathway_id else "",
    )
    return LevelPublic(
        id=level.id,
        code=level.code,
        name=level.name,
        rank=level.rank,
        typical_local_grade=level.typical_local_grade,
        description=level.description,
        pathways=[PathwayPublic.model_validate(p) for p in index.pathways_of(level)],
        requirements=[index.requirement_public(r) for r in requirements],
    )


def _kss_public(index: FrameworkIndex, standard: KssStandard) -> KssStandardPublic:
    level = index.level_by_id.get(standard.level_id) if standard.level_id else None
    return KssStandardPublic(
        id=standard.id,
        code=standard.code,
        name=standard.name,
        level=level.code if level else None,
        description=standard.description,
    )


def read_framework(session: Session) -> Framework:
    index = load_framework(session)
    domains = session.exec(select(PcfDomain).order_by(PcfDomain.position, PcfDomain.code))
    standards = session.exec(select(KssStandard).order_by(KssStandard.code))
    return Framework(
        levels=[_level_public(index, level) for level in index.levels],
        pcf_domains=[PcfDomainPublic.model_validate(domain) for domain in domains],
        kss_standards=[_kss_public(index, standard) for standard in standards],
        evidence_kinds=list(EvidenceKind),
    )


# --- Editing (academy staff) -------------------------------------------------------------------


def _get(session: Session, model, row_id: uuid.UUID, what: str):
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"No {what} with this id was found.")
    return row


def create_level(session: Session, data: LevelCreate) -> LevelPublic:
    if session.exec(select(CareerLevel.id).where(CareerLevel.code == data.code)).first():
        raise Conflict(f"There is already a level {data.code!r}.")
    level = CareerLevel.model_validate(data.model_dump())
    session.add(level)
    _flush(session, f"There is already a level {data.code!r}.")
    return _level_public(load_framework(session), level)


def update_level(session: Session, level_id: uuid.UUID, data: LevelUpdate) -> LevelPublic:
    level = _get(session, CareerLevel, level_id, "level")
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(level, name, value)
    session.add(level)
    session.flush()
    return _level_public(load_framework(session), level)


def create_pathway(session: Session, level_id: uuid.UUID, data: PathwayCreate) -> PathwayPublic:
    level = _get(session, CareerLevel, level_id, "level")
    conflict = f"The {level.code} level already has a pathway {data.code!r}."
    exists = select(CareerPathway.id).where(CareerPathway.level_id == level.id, CareerPathway.code == data.code)
    if session.exec(exists).first():
        raise Conflict(conflict)
    pathway = CareerPathway(level_id=level.id, **data.model_dump())
    session.add(pathway)
    _flush(session, conflict)
    return PathwayPublic.model_validate(pathway)


def update_pathway(session: Session, pathway_id: uuid.UUID, data: PathwayUpdate) -> PathwayPublic:
    pathway = _get(session, CareerPathway, pathway_id, "pathway")
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(pathway, name, value)
    session.add(pathway)
    session.flush()
    return PathwayPublic.model_validate(pathway)


def create_requirement(session: Session, data: RequirementCreate) -> RequirementPublic:
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
    _flush(session, conflict)
    index.requirements.append(row)
    return index.requirement_public(row)


def update_requirement(session: Session, requirement_id: uuid.UUID, data: RequirementUpdate) -> RequirementPublic:
    row = _get(session, LevelRequirement, requirement_id, "requirement")
    changes = data.model_dump(exclude_unset=True, mode="json")
    if "evidence_kinds" in changes:
        changes["evidence_kinds"] = list(dict.fromkeys(changes["evidence_kinds"]))
    for name, value in changes.items():
        setattr(row, name, value)
    session.add(row)
    session.flush()
    session.refresh(row)
    return load_framework(session).requirement_public(row)


def delete_requirement(session: Session, requirement_id: uuid.UUID) -> None:
    session.delete(_get(session, LevelRequirement, requirement_id, "requirement"))
    session.flush()


def create_pcf_domain(session: Session, data: PcfDomainCreate) -> PcfDomainPublic:
    conflict = f"There is already a PCF domain {data.code!r}."
    if session.exec(select(PcfDomain.id).where(PcfDomain.code == data.code)).first():
        raise Conflict(conflict)
    domain = PcfDomain.model_validate(data.model_dump())
    session.add(domain)
    _flush(session, conflict)
    return PcfDomainPublic.model_validate(domain)


def update_pcf_domain(session: Session, domain_id: uuid.UUID, data: PcfDomainUpdate) -> PcfDomainPublic:
    domain = _get(session, PcfDomain, domain_id, "PCF domain")
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(domain, name, value)
    session.add(domain)
    session.flush()
    return PcfDomainPublic.model_validate(domain)


def create_kss_standard(session: Session, data: KssStandardCreate) -> KssStandardPublic:
    index = load_framework(session)
    level = index.level(data.level, ["body", "level"]) if data.level else None
    conflict = f"There is already a KSS standard {data.code!r}."
    if session.exec(select(KssStandard.id).where(KssStandard.code == data.code)).first():
        raise Conflict(conflict)
    standard = KssStandard(
        code=data.code, name=data.name, level_id=level.id if level else None, description=data.description
    )
    session.add(standard)
    _flush(session, conflict)
    return _kss_public(index, standard)


def update_kss_standard(session: Session, standard_id: uuid.UUID, data: KssStandardUpdate) -> KssStandardPublic:
    standard = _get(session, KssStandard, standard_id, "KSS standard")
    index = load_framework(session)
    changes = data.model_dump(exclude_unset=True)
    if "level" in changes:
        code = changes.pop("level")
        standard.level_id = index.level(code, ["body", "level"]).id if code else None
    for name, value in changes.items():
        setattr(standard, name, value)
    session.add(standard)
    session.flush()
    return _kss_public(index, standard)


# --- Local grades ------------------------------------------------------------------------------


def check_member_council(session: Session, code: str, loc: list[str | int]) -> Council:
    council = session.get(Council, code)
    if council is None or not council.academy_member:
        raise invalid(loc, "unknown_council", f"council {code} is not one of the academy's councils")
    return council


def council_to_write(session: Session, principal: Principal, council: str | None) -> str:
    """Council HR writes for its own council only; academy staff name the council."""
    if principal.role is Role.council_hr:
        if council and council != principal.council:
            raise Forbidden("You may change only your own council's entries.")
        council = principal.council
    elif principal.role is not Role.academy_admin:
        raise Forbidden("Your role may not do this.")
    if not council:
        raise invalid(["body", "council"], "missing", "name the council (DfE code)")
    check_member_council(session, council, ["body", "council"])
    return council


def _grade_public(index: FrameworkIndex, grade: LocalGrade) -> LocalGradePublic:
    pathway = index.pathway_by_id.get(grade.pathway_id) if grade.pathway_id else None
    return LocalGradePublic(
        id=grade.id,
        council=grade.council,
        name=grade.name,
        level=index.level_by_id[grade.level_id].code,
        pathway=pathway.code if pathway else None,
    )


def list_local_grades(
    session: Session, page: PageParams, council: str | None, level: str | None
) -> tuple[list[LocalGradePublic], int]:
    index = load_framework(session)
    query = select(LocalGrade)
    if council:
        query = query.where(LocalGrade.council == council)
    if level:
        query = query.where(LocalGrade.level_id == index.level(level, ["query", "level"]).id)
    rows, total = paginate(session, query.order_by(LocalGrade.council, LocalGrade.name, LocalGrade.id), page)
    return [_grade_public(index, grade) for grade in rows], total


def _grade_conflict(council: str, name: str) -> str:
    return f"Council {council} already has a grade called {name!r}."


def create_local_grade(session: Session, principal: Principal, data: LocalGradeCreate) -> LocalGradePublic:
    council = council_to_write(session, principal, data.council)
    index = load_framework(session)
    level = index.level(data.level, ["body", "level"])
    pathway = index.pathway(level, data.pathway, ["body", "pathway"], required=False)
    taken = select(LocalGrade.id).where(LocalGrade.council == council, LocalGrade.name == data.name)
    if session.exec(taken).first():
        raise Conflict(_grade_conflict(council, data.name))
    grade = LocalGrade(council=council, name=data.name, level_id=level.id, pathway_id=pathway.id if pathway else None)
    session.add(grade)
    _flush(session, _grade_conflict(council, data.name))
    return _grade_public(index, grade)


def _own_grade(session: Session, principal: Principal, grade_id: uuid.UUID) -> LocalGrade:
    grade = session.get(LocalGrade, grade_id)
    if grade is None or (principal.role is Role.council_hr and grade.council != principal.council):
        raise NotFound("No local grade with this id was found.")
    if principal.role not in (Role.council_hr, Role.academy_admin):
        raise Forbidden("Your role may not change local grades.")
    return grade


def update_local_grade(
    session: Session, principal: Principal, grade_id: uuid.UUID, data: LocalGradeUpdate
) -> LocalGradePublic:
    grade = _own_grade(session, principal, grade_id)
    index = load_framework(session)
    changes = data.model_dump(exclude_unset=True)
    level = (
        index.level(changes["level"], ["body", "level"]) if "level" in changes else index.level_by_id[grade.level_id]
    )
    if "level" in changes or "pathway" in changes:
        current = index.pathway_by_id[grade.pathway_id].code if grade.pathway_id else None
        pathway = index.pathway(level, changes.get("pathway", current), ["body", "pathway"], required=False)
        grade.level_id, grade.pathway_id = level.id, pathway.id if pathway else None
    if "name" in changes and changes["name"] != grade.name:
        taken = select(LocalGrade.id).where(LocalGrade.council == grade.council, LocalGrade.name == changes["name"])
        if session.exec(taken).first():
            raise Conflict(_grade_conflict(grade.council, changes["name"]))
        grade.name = changes["name"]
    session.add(grade)
    _flush(session, _grade_conflict(grade.council, grade.name))
    return _grade_public(index, grade)


def delete_local_grade(session: Session, principal: Principal, grade_id: uuid.UUID) -> None:
    session.delete(_own_grade(session, principal, grade_id))
    session.flush()


def local_grade_for(
    session: Session, council: str | None, level_id: uuid.UUID, pathway_id: uuid.UUID | None
) -> str | None:
    """What `council` calls a level: its grade for the level on this pathway, else for the level as a whole
    (alphabetically first when it has several)."""
    if council is None:
        return None
    grades = session.exec(
        select(LocalGrade)
        .where(LocalGrade.council == council, LocalGrade.level_id == level_id)
        .order_by(LocalGrade.name)
    ).all()
    exact = [g for g in grades if g.pathway_id == pathway_id]
    general = [g for g in grades if g.pathway_id is None]
    chosen = exact or general
    return chosen[0].name if chosen else None


def known_pcf_codes(session: Session, codes: list[str]) -> set[str]:
    if not codes:
        return set()
    return set(session.exec(select(PcfDomain.code).where(col(PcfDomain.code).in_(codes))))
