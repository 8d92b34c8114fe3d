"""The placements service: the region's workforce records and how people move between councils."""

from services.common.app import create_service_app
from services.placements.census.router import router as census_router
from services.placements.councils.router import router as councils_router
from services.placements.employments.router import router as employments_router
from services.placements.movements.router import router as movements_router
from services.placements.workers.router import router as workers_router

app = create_service_app(
    "placements",
    "Workforce records fed by council HR systems, census imports, and cross-authority movement.",
    [councils_router, census_router, movements_router, workers_router, employments_router],
)
