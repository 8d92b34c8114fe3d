"""The careers service: one router per sub-area."""

from services.careers.cpd.router import router as cpd
from services.careers.evidence.router import router as evidence
from services.careers.framework.router import router as framework
from services.careers.opportunities.router import router as opportunities
from services.careers.progression.router import router as progression
from services.careers.records.router import router as records
from services.common.app import create_service_app

app = create_service_app(
    "careers",
    "Career pathways: the regional framework, levels, CPD, progression and regional opportunities.",
    [framework, records, cpd, evidence, progression, opportunities],
)
