"""The careers service."""

from services.careers.router import router
from services.common.app import create_service_app

app = create_service_app(
    "careers",
    "Career pathways: the regional framework, levels, CPD, progression and regional opportunities.",
    [router],
)
