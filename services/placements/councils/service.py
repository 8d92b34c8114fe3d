"""Read-only listing of the council reference table (owned by the shared kernel)."""

from sqlmodel import Session, select

from services.common.models import Council
from services.common.pagination import PageParams, paginate


def list_councils(
    session: Session, page: PageParams, member: bool | None, region: str | None
) -> tuple[list[Council], int]:
    query = select(Council).order_by(Council.code)
    if member is not None:
        query = query.where(Council.academy_member == member)
    if region:
        query = query.where(Council.region_code == region)
    return paginate(session, query, page)
