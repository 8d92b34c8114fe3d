"""The framework in memory: small tables, read once per request, and what careers asks of them."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import Session, select

from services.careers.framework.schemas import LevelRef, PathwayRef, RequirementPublic
from services.careers.models import CareerLevel, CareerPathway, LevelRequirement
from services.careers.rules import EvidenceKind, HowReached, Requirement, next_rank
from services.common.errors import invalid


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

    def target(
        self, level_code: str, pathway_code: str | None, where: str = "body", pathway_required: bool = True
    ) -> tuple[CareerLevel, CareerPathway | None]:
        """The level and pathway a request names (in its body, or its query), each checked."""
        level = self.level(level_code, [where, "level"])
        return level, self.pathway(level, pathway_code, [where, "pathway"], required=pathway_required)

    def requirement(self, level: CareerLevel, pathway: CareerPathway | None) -> LevelRequirement | None:
        """The requirement of a level on a pathway, else of the level as a whole."""
        by_key = {(r.level_id, r.pathway_id): r for r in self.requirements}
        if pathway is not None and (level.id, pathway.id) in by_key:
            return by_key[(level.id, pathway.id)]
        return by_key.get((level.id, None))

    def check_reached(
        self,
        level: CareerLevel,
        pathway: CareerPathway | None,
        way: HowReached,
        loc: list[str | int],
        code: str,
        explain: Callable[[str | None], str],
    ) -> None:
        """422 (`code`) unless the level, on this pathway, is reached `way`: "advanced (manager) is reached"
        and `explain` of how it is reached (None: the framework says nothing)."""
        requirement = self.requirement(level, pathway)
        if requirement is None or requirement.how_reached != way:
            named = f"{level.code}{f' ({pathway.code})' if pathway else ''}"
            raise invalid(loc, code, f"{named} is reached {explain(requirement.how_reached if requirement else None)}")

    def rank_after(self, level_id: uuid.UUID | None) -> int | None:
        """The rank of the next level up from the level with this id (from none: the lowest); None at the top."""
        rank = self.level_by_id[level_id].rank if level_id else None
        return next_rank([level.rank for level in self.levels], rank)

    def level_ref(self, level_id: uuid.UUID) -> LevelRef:
        level = self.level_by_id[level_id]
        return LevelRef(code=level.code, name=level.name, rank=level.rank)

    def pathway_ref(self, pathway_id: uuid.UUID | None) -> PathwayRef | None:
        if pathway_id is None:
            return None
        pathway = self.pathway_by_id[pathway_id]
        return PathwayRef(code=pathway.code, name=pathway.name)

    def pathway_code(self, pathway_id: uuid.UUID | None) -> str | None:
        return self.pathway_by_id[pathway_id].code if pathway_id else None

    def requirement_public(self, row: LevelRequirement) -> RequirementPublic:
        return RequirementPublic(
            id=row.id,
            level=self.level_by_id[row.level_id].code,
            pathway=self.pathway_code(row.pathway_id),
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
