"""What the DfE extracts do, for /metrics: extracts produced (and those that failed their checks), deliveries, and
scheduler claims won by this process. Labelled by extract kind and outcome only, never a council or a person."""

from prometheus_client import Counter

EXTRACTS = Counter(
    "futuresocial_extracts_total", "DfE extracts produced, by kind and status (failed: the file failed its checks)",
    ["kind", "status"],
)  # fmt: skip
DELIVERIES = Counter(
    "futuresocial_extract_deliveries_total",
    "Attempts to deliver an extract to the DfE, by outcome (delivered, or retrying after a failure)",
    ["outcome"],
)
CLAIMS = Counter(
    "futuresocial_scheduler_claims_total", "Scheduled extract runs this process claimed (won) to produce, by kind",
    ["kind"],
)  # fmt: skip
