"""Pushing finished extracts to the DfE and into an outbox: retried until delivered, never lost."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from prometheus_client import REGISTRY

from services.analytics.extracts.delivery import deliver_due
from services.analytics.extracts.models import ExtractRun
from services.common.settings import get_settings

NOW = datetime(2026, 10, 15, 9, 0, tzinfo=UTC)
DFE_URL = "https://dfe.example/csww/extracts"


@pytest.fixture
def configured(monkeypatch, tmp_path):
    settings = get_settings().model_copy(
        update={"dfe_endpoint_url": DFE_URL, "extract_outbox_dir": str(tmp_path), "extract_retry_base_seconds": 60}
    )
    monkeypatch.setattr("services.analytics.extracts.delivery.get_settings", lambda: settings)
    return tmp_path


def extract(session, status="succeeded", delivery="pending") -> ExtractRun:
    row = ExtractRun(
        kind="csww", period="2026", census_year=2026, council="330", status=status, file_name="csww-330-2026.xml",
        media_type="application/xml", size=9, sha256="0" * 64, content=b"<Message/>", trigger="schedule",
        requested_by="test", delivery_status=delivery,
    )  # fmt: skip
    session.add(row)
    session.commit()
    return row


class DfE:
    """The DfE's endpoint: outside the platform, so a stand-in that records what it receives."""

    def __init__(self, answers: list[int]):
        self.answers, self.received = answers, []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.received.append(request)
        return httpx.Response(self.answers.pop(0) if self.answers else 200)


def test_a_failed_delivery_is_retried_with_backoff_until_the_dfe_has_it(session, configured):
    dfe = DfE([503])
    client = httpx.Client(transport=httpx.MockTransport(dfe))
    row = extract(session)
    deliver_due(session, client, NOW)
    session.refresh(row)
    assert row.delivery_status == "retrying" and "503" in row.delivery_error
    assert row.next_delivery_at.replace(tzinfo=UTC) == NOW + timedelta(seconds=60)
    assert deliver_due(session, client, NOW + timedelta(seconds=30)) == []  # not due yet
    deliver_due(session, client, NOW + timedelta(seconds=61))
    session.refresh(row)
    assert row.delivery_status == "delivered" and row.delivery_attempts == 2 and row.delivery_error is None
    assert [r.headers["X-Delivery-ID"] for r in dfe.received] == [str(row.id), str(row.id)]  # a repeat is recognisable
    assert dfe.received[-1].content == b"<Message/>"
    assert deliver_due(session, client, NOW + timedelta(days=1)) == []  # delivered once is enough


def test_the_outbox_gets_the_whole_file_under_its_name_and_nothing_half_written(session, configured):
    client = httpx.Client(transport=httpx.MockTransport(DfE([])))
    extract(session)
    deliver_due(session, client, NOW)
    assert [p.name for p in configured.iterdir()] == ["csww-330-2026.xml"]
    assert (configured / "csww-330-2026.xml").read_bytes() == b"<Message/>"


def test_an_extract_that_failed_its_check_is_never_delivered(session, configured):
    dfe = DfE([])
    row = extract(session, status="failed", delivery="none")
    assert deliver_due(session, httpx.Client(transport=httpx.MockTransport(dfe)), NOW) == []
    assert dfe.received == [] and list(configured.iterdir()) == []
    session.refresh(row)
    assert row.delivery_status == "none"


def test_the_dfe_saying_it_already_has_the_delivery_counts_as_delivered(session, configured):
    row = extract(session)
    deliver_due(session, httpx.Client(transport=httpx.MockTransport(DfE([409]))), NOW)
    session.refresh(row)
    assert row.delivery_status == "delivered"


def test_a_delivery_that_replaces_an_earlier_one_names_it(session, configured):
    from services.analytics.extracts.service import supersede_earlier

    dfe = DfE([])
    client = httpx.Client(transport=httpx.MockTransport(dfe))
    first = extract(session)
    deliver_due(session, client, NOW)
    second = extract(session)
    supersede_earlier(session, second)
    session.commit()
    deliver_due(session, client, NOW + timedelta(hours=1))
    assert [r.headers["X-Delivery-ID"] for r in dfe.received] == [str(first.id), str(second.id)]
    assert "X-Supersedes" not in dfe.received[0].headers
    assert dfe.received[1].headers["X-Supersedes"] == str(first.id)  # the DfE sees which file is current


def deliveries_counted(outcome: str) -> float:
    return REGISTRY.get_sample_value("futuresocial_extract_deliveries_total", {"outcome": outcome}) or 0.0


def test_deliveries_and_failed_attempts_are_counted_in_the_metrics(session, configured):
    delivered, retrying = deliveries_counted("delivered"), deliveries_counted("retrying")
    client = httpx.Client(transport=httpx.MockTransport(DfE([503])))
    extract(session)
    deliver_due(session, client, NOW)
    deliver_due(session, client, NOW + timedelta(seconds=61))
    assert deliveries_counted("retrying") == retrying + 1
    assert deliveries_counted("delivered") == delivered + 1
