"""Every table of the platform on one metadata, for migrations, the CLI and tests.

Importing each owner's models here, at the composition root, keeps the services independent.
"""

import gateway.models  # noqa: F401
import services.analytics.extracts.models  # noqa: F401
import services.careers.models  # noqa: F401
import services.common.models  # noqa: F401
import services.placements.models  # noqa: F401
import services.returners.models  # noqa: F401
from services.common.db import metadata

__all__ = ["metadata"]
