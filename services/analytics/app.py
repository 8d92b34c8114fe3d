"""The analytics service: the workforce measures and the DfE extracts, with their scheduler."""

from contextlib import asynccontextmanager, contextmanager
from datetime import datetime

import httpx
from fastapi import FastAPI

from services.analytics.extracts.delivery import deliver_due
from services.analytics.extracts.router import router as extracts_router
from services.analytics.extracts.scheduler import SchedulerThread
from services.analytics.measures.router import router as measures_router
from services.analytics.placements_client import placements_client
from services.analytics.projections.router import router as projections_router
from services.analytics.retention.router import router as retention_router
from services.common.app import create_service_app
from services.common.db import new_session
from services.common.settings import get_settings


def _deliver(now: datetime) -> None:
    with new_session() as session, httpx.Client(timeout=30) as client:
        deliver_due(session, client, now)


@asynccontextmanager
async def lifespan(app: FastAPI):
    scheduler = None
    if get_settings().scheduler_enabled:
        scheduler = SchedulerThread(new_session, contextmanager(placements_client), _deliver)
        scheduler.start()
    yield
    if scheduler is not None:
        scheduler.stopping.set()
        scheduler.join(timeout=10)


app = create_service_app(
    "analytics",
    "Turnover and retention for each council, the region and England, and the DfE's scheduled extracts.",
    [measures_router, retention_router, projections_router, extracts_router],
    lifespan=lifespan,
)
