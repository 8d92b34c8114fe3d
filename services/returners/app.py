"""The returners service."""

from services.common.app import create_service_app
from services.returners.router import router

app = create_service_app(
    "returners",
    "The Return to Social Work programme: cohorts, applicants, eligibility, updating and the stage funnel.",
    [router],
)
