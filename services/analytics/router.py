"""Analytics endpoints: thin; the logic lives in the domain modules."""

from services.common.app import service_router

router = service_router("analytics")
