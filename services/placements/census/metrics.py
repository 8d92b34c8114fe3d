"""What census imports do, for /metrics: returns by outcome, their records and errors, and how long each took."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from prometheus_client import Counter, Histogram

from services.common.errors import DomainError

IMPORTS = Counter(
    "futuresocial_census_imports_total",
    "Census returns sent to be imported, by outcome (applied, unchanged, dry_run, rejected, refused, failed)",
    ["outcome"],
)
RECORDS = Counter(
    "futuresocial_census_import_records_total", "Worker records in the census returns imported, by outcome",
    ["outcome"],
)  # fmt: skip
ERRORS = Counter("futuresocial_census_import_errors_total", "Errors found in census returns (each rejects its file)")
DURATION = Histogram(
    "futuresocial_census_import_duration_seconds", "Time to check and apply (or refuse) one census return",
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)  # fmt: skip


@contextmanager
def measured_import() -> Iterator[Callable[[str, int, int], None]]:
    """Times the import inside; call what it gives with (outcome, records, errors) once it has an outcome. An
    import that raises is counted as refused (a domain error: no records, removals not confirmed) or failed."""
    outcome: list[tuple[str, int, int]] = []
    started = time.perf_counter()
    try:
        yield lambda status, records, errors: outcome.append((status, records, errors))
    except DomainError:
        outcome.append(("refused", 0, 0))
        raise
    except Exception:
        outcome.append(("failed", 0, 0))
        raise
    finally:
        DURATION.observe(time.perf_counter() - started)
        status, records, errors = outcome[-1] if outcome else ("failed", 0, 0)
        IMPORTS.labels(status).inc()
        RECORDS.labels(status).inc(records)
        ERRORS.inc(errors)
