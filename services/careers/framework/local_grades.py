"""Each council's local grades and the level (and pathway) each maps to; and which council a write is for."""

import uuid

from sqlmodel import Session, select

from services.careers.framework.index import FrameworkIndex, load_framework
from services.careers.framework.schemas import LocalGradeCreate, LocalGradePublic, LocalGradeUpdate
from services.careers.models import LocalGrade
from services.common.auth import Principal, Role
from services.common.errors import Conflict, Forbidden, NotFound, invalid
from services.common.models import Council
from services.common.pagination import PageParams, paginate
from services.common.rows import flush_or_conflict


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
    return LocalGradePublic(
        id=grade.id,
        council=grade.council,
        name=grade.name,
        level=index.level_by_id[grade.level_id].code,
        pathway=index.pathway_code(grade.pathway_id),
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


def _check_name_free(session: Session, council: str, name: str) -> None:
    taken = select(LocalGrade.id).where(LocalGrade.council == council, LocalGrade.name == name)
    if session.exec(taken).first():
        raise Conflict(_grade_conflict(council, name))


def create_local_grade(session: Session, principal: Principal, data: LocalGradeCreate) -> LocalGradePublic:
    council = council_to_write(session, principal, data.council)
    index = load_framework(session)
    level = index.level(data.level, ["body", "level"])
    pathway = index.pathway(level, data.pathway, ["body", "pathway"], required=False)
    _check_name_free(session, council, data.name)
    grade = LocalGrade(council=council, name=data.name, level_id=level.id, pathway_id=pathway.id if pathway else None)
    session.add(grade)
    flush_or_conflict(session, _grade_conflict(council, data.name))
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
        current = index.pathway_code(grade.pathway_id)
        pathway = index.pathway(level, changes.get("pathway", current), ["body", "pathway"], required=False)
        grade.level_id, grade.pathway_id = level.id, pathway.id if pathway else None
    if "name" in changes and changes["name"] != grade.name:
        _check_name_free(session, grade.council, changes["name"])
        grade.name = changes["name"]
    session.add(grade)
    flush_or_conflict(session, _grade_conflict(grade.council, grade.name))
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
