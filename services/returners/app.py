"""The returners service."""

from services.common.app import create_service_app
from services.returners.router import public_router, router

app = create_service_app(
    "returners",
    "The Return to Social Work programme: cohorts, applicants, eligibility, updating and the stage funnel.",
    [public_router, router],
)
