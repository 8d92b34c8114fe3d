"""The returners service: each sub-area's router, and the public enquiry form's."""

from services.common.app import create_service_app
from services.returners.applicants import router as applicants
from services.returners.cohorts import router as cohorts
from services.returners.handover import router as handover
from services.returners.hosts import router as hosts
from services.returners.outcomes import router as outcomes
from services.returners.updating import router as updating

app = create_service_app(
    "returners",
    "The Return to Social Work programme: cohorts, applicants, eligibility, updating and the stage funnel.",
    [
        applicants.public_router,
        cohorts.router,
        outcomes.router,
        hosts.router,
        applicants.router,
        applicants.stages_router,
        handover.router,
        updating.router,
    ],
)
