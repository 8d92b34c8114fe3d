"""Offset pagination with a stable order, the same shape on every list endpoint."""

from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

T = TypeVar("T")
# No list the platform serves comes near ten million rows (the region has a few thousand social workers), so a
# larger offset can only be a mistake; and unbounded, one past 2**63 - 1 reached the database and failed there.
MAX_OFFSET = 10_000_000


class PageParams(BaseModel):
    limit: int
    offset: int


def page_params(
    limit: Annotated[int, Query(ge=1, le=500, description="Items per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
    next_offset: int | None


def paginate(session: Session, query: SelectOfScalar, page: PageParams) -> tuple[list, int]:
    """Run `query` (already ordered) for one page; returns the rows and the total count."""
    total = session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    rows = list(session.exec(query.limit(page.limit).offset(page.offset)))
    return rows, total


def make_page(items: list[T], total: int, page: PageParams) -> Page[T]:
    following = page.offset + page.limit
    return Page[T](
        items=items,
        total=total,
        limit=page.limit,
        offset=page.offset,
        next_offset=following if following < total else None,
    )


def page_of(items: list[T], page: PageParams) -> Page[T]:
    """One page of a list already held in full (a person's own short history: stages, activities, offers)."""
    return make_page(items[page.offset : page.offset + page.limit], len(items), page)
