"""/metrics on every app: requests counted by route template, method and status with their latency, the
connection pool's use, and never a trace of a person in any label."""

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from gateway.app import create_gateway
from services.common.db import get_engine
from services.common.settings import get_settings
from tests.conftest import SERVICE_APPS

SWE_NUMBER = "SW4417823"


def samples(client: TestClient) -> dict[tuple[str, frozenset], float]:
    """Every sample /metrics shows, by name and labels."""
    answer = client.get("/metrics")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def requests_counted(client: TestClient, route: str, method: str = "GET", status: str = "200") -> float:
    labels = frozenset({"route": route, "method": method, "status": status}.items())
    return samples(client).get(("futuresocial_http_requests_total", labels), 0.0)


def latencies_observed(client: TestClient, route: str, method: str = "GET") -> float:
    labels = frozenset({"route": route, "method": method}.items())
    return samples(client).get(("futuresocial_http_request_duration_seconds_count", labels), 0.0)


@pytest.mark.parametrize("service", list(SERVICE_APPS))
def test_each_service_counts_its_requests_by_route_method_and_status(app_client, auth, service):
    client = app_client(SERVICE_APPS[service])
    route = f"/v1/{service}/whoami"
    before, timed_before = requests_counted(client, route), latencies_observed(client, route)
    for _ in range(3):
        assert client.get(route, headers=auth()).status_code == 200
    assert client.get(route).status_code == 401

    assert requests_counted(client, route) == before + 3
    assert requests_counted(client, route, status="401") >= 1
    assert latencies_observed(client, route) == timed_before + 4


def test_a_request_naming_an_swe_number_is_counted_under_its_template_and_leaves_no_trace(app_client, auth):
    careers = app_client(SERVICE_APPS["careers"])
    template = "/v1/careers/workers/{swe_number}"
    before = requests_counted(careers, template, status="401")
    assert careers.get(f"/v1/careers/workers/{SWE_NUMBER}").status_code == 401
    careers.get(f"/v1/careers/no-such-thing/{SWE_NUMBER}?swe={SWE_NUMBER}", headers=auth())
    careers.request(SWE_NUMBER, f"/v1/careers/workers/{SWE_NUMBER}", headers=auth())

    assert requests_counted(careers, template, status="401") == before + 1
    exposition = careers.get("/metrics").text
    assert SWE_NUMBER.lower() not in exposition.lower()
    assert SWE_NUMBER[2:] not in exposition


def test_the_gateway_counts_a_proxied_request_under_the_service_not_the_path(gateway, auth):
    gateway_on_loopback = TestClient(gateway.app, client=("127.0.0.1", 40000))
    template = "/v1/careers/{path}"
    before = requests_counted(gateway_on_loopback, template, status="401")
    assert gateway.get(f"/v1/careers/workers/{SWE_NUMBER}").status_code == 401

    assert requests_counted(gateway_on_loopback, template, status="401") == before + 1
    assert SWE_NUMBER[2:] not in gateway_on_loopback.get("/metrics").text


def test_the_gateways_metrics_answer_only_callers_from_the_allowed_addresses(app_client):
    gateway = create_gateway()
    assert get_settings().gateway_metrics_allowed == ["127.0.0.1", "::1"]
    with TestClient(gateway, client=("127.0.0.1", 40000)) as local:
        assert local.get("/metrics").status_code == 200
    with TestClient(gateway, client=("203.0.113.9", 40000)) as outsider:
        answer = outsider.get("/metrics")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert "futuresocial_http_requests_total" not in answer.text


def test_the_allowed_addresses_are_a_setting(monkeypatch):
    monkeypatch.setenv("FUTURESOCIAL_GATEWAY_METRICS_ALLOWED", "203.0.113.0/24")
    get_settings.cache_clear()
    try:
        with TestClient(create_gateway(), client=("203.0.113.9", 40000)) as monitoring:
            assert monitoring.get("/metrics").status_code == 200
        with TestClient(create_gateway(), client=("127.0.0.1", 40000)) as local:
            assert local.get("/metrics").status_code == 404
    finally:
        get_settings.cache_clear()


def test_the_pool_gauges_show_its_size_and_the_connections_checked_out(app_client):
    placements = app_client(SERVICE_APPS["placements"])
    held_before = samples(placements)[("futuresocial_db_pool_checked_out_connections", frozenset())]
    with get_engine().connect():
        shown = samples(placements)
    assert shown[("futuresocial_db_pool_checked_out_connections", frozenset())] == held_before + 1
    assert shown[("futuresocial_db_pool_size_connections", frozenset())] == get_settings().database_pool_size
    assert shown[("futuresocial_db_pool_overflow_connections", frozenset())] == 0
