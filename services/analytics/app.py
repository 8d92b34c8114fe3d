"""The analytics service."""

from services.analytics.router import router
from services.common.app import create_service_app

app = create_service_app(
    "analytics",
    "Turnover and retention for each council, the region and England, and the DfE's scheduled extracts.",
    [router],
)
