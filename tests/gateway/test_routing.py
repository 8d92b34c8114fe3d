import asyncio
import time

import httpx
import pytest

from gateway.proxy import HOP_BY_HOP


async def _slow_service(scope, receive, send):
    await asyncio.sleep(5)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"too late"})


async def _echo_headers(scope, receive, send):
    import json

    headers = {k.decode(): v.decode() for k, v in scope["headers"]}
    body = json.dumps({"path": scope["path"], "query": scope["query_string"].decode(), "headers": headers})
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body.encode()})


@pytest.mark.parametrize("service", ["careers", "placements", "returners", "analytics"])
def test_each_service_is_reachable_through_the_gateway(gateway, auth, service):
    answer = gateway.get(f"/v1/{service}/whoami", headers=auth("council_hr", council="330"))
    assert answer.status_code == 200
    assert answer.json() == {
        "service": service,
        "subject": "test",
        "role": "council_hr",
        "council": "330",
        "worker": None,
        "scopes": ["analytics", "careers", "placements", "returners"],
    }


def test_an_upstream_that_is_down_answers_503_problem(gateway, auth):
    # nothing listens on port 9 (discard) of loopback here
    gateway.app.state.upstreams.clients["returners"] = httpx.AsyncClient(base_url="http://127.0.0.1:9")
    answer = gateway.get("/v1/returners/whoami", headers=auth())
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert "returners" in answer.json()["detail"]


def test_an_upstream_slower_than_the_timeout_answers_504_within_the_timeout(gateway, auth):
    upstreams = gateway.app.state.upstreams
    upstreams.timeout = 0.5
    upstreams.clients["analytics"] = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=_slow_service), base_url="http://analytics"
    )
    started = time.monotonic()
    answer = gateway.get("/v1/analytics/whoami", headers=auth())
    elapsed = time.monotonic() - started
    assert answer.status_code == 504
    assert answer.headers["content-type"] == "application/problem+json"
    assert elapsed < 0.5 + 1.0


def test_the_gateway_forwards_path_query_auth_and_request_id_but_not_hop_by_hop_headers(gateway, auth):
    gateway.app.state.upstreams.clients["careers"] = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=_echo_headers), base_url="http://careers"
    )
    headers = {
        **auth(),
        "X-Request-ID": "trace-123",
        "Connection": "keep-alive, X-Secret",
        "X-Secret": "for the next hop only",
        "TE": "trailers",
        "Proxy-Authorization": "Basic c2VjcmV0",
    }
    answer = gateway.get("/v1/careers/levels/next?a=1&a=2", headers=headers)
    seen = answer.json()
    assert seen["path"] == "/v1/careers/levels/next" and seen["query"] == "a=1&a=2"
    assert seen["headers"]["authorization"] == headers["Authorization"]
    assert seen["headers"]["x-request-id"] == "trace-123"
    # the gateway's own client opens its own connection; nothing of the caller's hop goes through
    assert not HOP_BY_HOP.intersection(seen["headers"]) - {"host", "content-length", "connection"}
    assert "x-secret" not in seen["headers"] and "proxy-authorization" not in seen["headers"]
    assert "X-Secret" not in seen["headers"].get("connection", "")
    assert "connection" not in {k.lower() for k in answer.headers}
    assert answer.headers["x-request-id"] == "trace-123"


def test_an_unknown_service_is_a_404_problem(gateway, auth):
    answer = gateway.get("/v1/payroll/anything", headers=auth())
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"


def test_a_request_without_an_id_gets_one_and_a_malformed_one_is_replaced(gateway):
    generated = gateway.get("/v1/auth/jwks.json").headers["x-request-id"]
    assert len(generated) == 32
    replaced = gateway.get("/v1/auth/jwks.json", headers={"X-Request-ID": "bad id\twith spaces"})
    assert replaced.headers["x-request-id"] != "bad id\twith spaces"


def test_health_and_ready_aggregate_the_upstreams(gateway):
    ready = gateway.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["upstreams"] == {s: "ok" for s in ("careers", "placements", "returners", "analytics", "web")}
    gateway.app.state.upstreams.clients["placements"] = httpx.AsyncClient(base_url="http://127.0.0.1:9")
    degraded = gateway.get("/health")
    assert degraded.status_code == 503
    assert degraded.json()["upstreams"]["placements"] != "ok"
    assert degraded.json()["upstreams"]["careers"] == "ok"


def test_the_merged_openapi_holds_every_service_and_the_token_endpoint(gateway):
    document = gateway.get("/openapi.json").json()
    for path in (
        "/v1/auth/token",
        "/v1/careers/whoami",
        "/v1/placements/councils",
        "/v1/returners/whoami",
        "/v1/analytics/whoami",
    ):
        assert path in document["paths"]
    assert "HTTPBearer" in document["components"]["securitySchemes"]
    assert gateway.get("/docs").headers["content-type"].startswith("text/html")
