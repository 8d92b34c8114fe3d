"""The placements service: the region's workforce records and how people move between councils."""

from services.common.app import create_service_app
from services.placements.router import router
from services.placements.workforce_router import router as workforce_router

app = create_service_app(
    "placements",
    "Workforce records fed by council HR systems, census imports, and cross-authority movement.",
    [router, workforce_router],
)
