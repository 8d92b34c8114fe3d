"""/metrics and /docs on the real processes: every process answers its own metrics, a request through the
gateway is counted at the gateway and at the service that served it, and nothing names the person asked for."""

from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.harness import Platform, bearer_for, metric, metrics_of, own_database, running_platform

SWE_NUMBER = "SW5512093"


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    folder = tmp_path_factory.mktemp("e2e-metrics")
    with own_database(folder) as database_url, running_platform(database_url, folder) as platform:
        yield platform


def requests_counted(exposition: str, route: str, status: str = "200") -> float:
    return metric(exposition, "futuresocial_http_requests_total", route=route, method="GET", status=status)


def test_every_process_answers_metrics_and_counts_a_request_made_through_the_gateway(platform: Platform) -> None:
    headers = bearer_for(
        platform.gateway, grant_type="client_credentials", client_id=platform.client_id,
        client_secret=platform.client_secret,
    )  # fmt: skip
    before = {app: metrics_of(platform.url(app)) for app in platform.ports}
    assert all("futuresocial_http_requests_total" in page for page in before.values())

    assert httpx.get(f"{platform.gateway}/v1/placements/councils", headers=headers, timeout=30).status_code == 200

    gateway, placements = metrics_of(platform.gateway), metrics_of(platform.url("placements"))
    at_gateway = requests_counted(gateway, "/v1/placements/{path}")
    assert at_gateway == requests_counted(before["gateway"], "/v1/placements/{path}") + 1
    at_service = requests_counted(placements, "/v1/placements/councils")
    assert at_service == requests_counted(before["placements"], "/v1/placements/councils") + 1
    pool = metric(placements, "futuresocial_db_pool_size_connections")
    assert pool > 0


def test_a_request_naming_an_swe_number_leaves_no_trace_in_any_processs_metrics(platform: Platform) -> None:
    headers = bearer_for(
        platform.gateway, grant_type="password", username=platform.username, password=platform.password
    )
    httpx.get(f"{platform.gateway}/v1/careers/workers/{SWE_NUMBER}", headers=headers, timeout=30)
    httpx.get(f"{platform.gateway}/v1/careers/workers/{SWE_NUMBER}/cpd?swe={SWE_NUMBER}", headers=headers, timeout=30)
    careers = metrics_of(platform.url("careers"))
    assert metric(careers, "futuresocial_http_request_duration_seconds_count",
                  route="/v1/careers/workers/{swe_number}", method="GET") >= 1  # fmt: skip
    for app in platform.ports:
        assert SWE_NUMBER[2:] not in metrics_of(platform.url(app)), app


def test_the_docs_page_loads_its_assets_from_the_gateway_itself(platform: Platform) -> None:
    page = httpx.get(f"{platform.gateway}/docs", timeout=30)
    assert page.status_code == 200
    assert "http://" not in page.text and "https://" not in page.text
    for asset in ("/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"):
        assert f'"{asset}"' in page.text
        assert httpx.get(f"{platform.gateway}{asset}", timeout=30).status_code == 200
