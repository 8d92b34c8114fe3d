"""The careers service: each sub-area's routers, one per tag."""

from services.careers.cpd import router as cpd
from services.careers.evidence import router as evidence
from services.careers.framework import router as framework
from services.careers.opportunities import router as opportunities
from services.careers.progression import router as progression
from services.careers.records import router as records
from services.common.app import create_service_app

app = create_service_app(
    "careers",
    "Career pathways: the regional framework, levels, CPD, progression and regional opportunities.",
    [
        *framework.routers,
        *records.routers,
        *cpd.routers,
        *evidence.routers,
        *progression.routers,
        *opportunities.routers,
    ],
)
