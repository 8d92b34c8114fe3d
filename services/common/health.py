"""/health (the process is alive) and /ready (it can reach the database), on every app."""

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from services.common.db import read_engine
from services.common.errors import ServiceUnavailable


class HealthStatus(BaseModel):
    status: str
    service: str


def health_router(service: str) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/health", response_model=HealthStatus)
    def health() -> HealthStatus:
        return HealthStatus(status="ok", service=service)

    @router.get("/ready", response_model=HealthStatus, responses={503: {"description": "Database unreachable"}})
    def ready() -> HealthStatus:
        try:
            with read_engine().connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            raise ServiceUnavailable("The database cannot be reached.")
        return HealthStatus(status="ready", service=service)

    return router
