"""X-Forwarded-For is believed only from configured proxies: the gateway believes no caller's by default and
tells the services the address it saw itself; the services believe only the gateway (an address or a network,
as settings.trusted_proxies names it), under `futuresocial up` and under compose alike. (uvicorn's default
believed anyone on loopback, so a caller of `up` could choose which enquiry allowance it counted against.)"""

import subprocess

import pytest
import yaml
from fastapi.testclient import TestClient

from futuresocial import runner
from gateway.app import create_gateway
from services.common.settings import PROJECT_ROOT, SERVICE_NAMES, Settings, get_settings
from services.returners.app import app as returners_app
from tests.gateway.upstreams import StandIn, serving

ENQUIRIES = "/v1/returners/enquiries"


def enquiry(email: str) -> dict:
    return {"name": "Ada Returner", "email": email, "consent": True}


def test_the_gateway_tells_a_service_the_address_it_saw_never_one_the_caller_wrote(auth, monkeypatch):
    with serving(StandIn()) as stand_in:
        settings = get_settings().model_copy(update={f"{name}_url": stand_in.url for name in SERVICE_NAMES})
        monkeypatch.setattr("gateway.app.get_settings", lambda: settings)
        with TestClient(create_gateway(), client=("192.0.2.44", 50000)) as gateway:
            answer = gateway.get("/v1/careers/echo", headers={**auth(), "X-Forwarded-For": "203.0.113.7, 198.51.100.1"})
    assert answer.status_code == 200
    assert answer.json()["headers"]["x-forwarded-for"] == "192.0.2.44"


def test_behind_a_gateway_on_a_trusted_network_each_client_counts_against_its_own_allowance(app_client, monkeypatch):
    monkeypatch.setattr(get_settings(), "returners_enquiry_rate_per_ip", "1/minute")
    monkeypatch.setattr(get_settings(), "trusted_proxies", ["172.28.0.0/24"])
    app_client(returners_app)  # the test's session for the service's requests
    gateway_container = TestClient(returners_app, client=("172.28.0.7", 50000), raise_server_exceptions=False)
    one, other = {"X-Forwarded-For": "203.0.113.7"}, {"X-Forwarded-For": "198.51.100.9"}
    assert gateway_container.post(ENQUIRIES, json=enquiry("a@example.org"), headers=one).status_code == 202
    assert gateway_container.post(ENQUIRIES, json=enquiry("b@example.org"), headers=other).status_code == 202
    assert gateway_container.post(ENQUIRIES, json=enquiry("c@example.org"), headers=one).status_code == 429


def test_a_caller_outside_the_trusted_network_is_limited_by_its_own_address_whatever_it_writes(app_client, monkeypatch):
    monkeypatch.setattr(get_settings(), "returners_enquiry_rate_per_ip", "1/minute")
    monkeypatch.setattr(get_settings(), "trusted_proxies", ["172.28.0.0/24"])
    app_client(returners_app)
    outsider = TestClient(returners_app, client=("172.29.0.7", 50000), raise_server_exceptions=False)
    first = outsider.post(ENQUIRIES, json=enquiry("a@example.org"), headers={"X-Forwarded-For": "203.0.113.7"})
    second = outsider.post(ENQUIRIES, json=enquiry("b@example.org"), headers={"X-Forwarded-For": "198.51.100.9"})
    assert (first.status_code, second.status_code) == (202, 429)


def commands_up_would_run(monkeypatch, **settings) -> dict[str, list[str]]:
    started: dict[str, list[str]] = {}

    def record(command, **_kwargs):
        started[command[3]] = command
        return None

    monkeypatch.setattr(subprocess, "Popen", record)
    start = runner.uvicorn_starter(Settings(_env_file=None, **settings), workers=1)
    for name in runner.APPS:
        start(name)
    return {name: started[app] for name, app in runner.APPS.items()}


def test_up_has_each_service_believe_only_the_trusted_proxies_and_the_gateway_nobody(monkeypatch):
    commands = commands_up_would_run(monkeypatch, trusted_proxies=["127.0.0.1", "10.1.0.0/16"])
    for service in SERVICE_NAMES:
        command = commands[service]
        assert command[command.index("--forwarded-allow-ips") + 1] == "127.0.0.1,10.1.0.0/16"
    assert "--no-proxy-headers" in commands["gateway"]
    assert "--forwarded-allow-ips" not in commands["gateway"]


def test_up_has_the_gateway_believe_a_proxy_configured_in_front_of_it(monkeypatch):
    commands = commands_up_would_run(monkeypatch, gateway_trusted_proxies=["192.0.2.1"])
    gateway = commands["gateway"]
    assert gateway[gateway.index("--forwarded-allow-ips") + 1] == "192.0.2.1"
    assert "--no-proxy-headers" not in gateway


def test_compose_has_the_services_believe_the_containers_network_and_the_gateway_nobody():
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    (network,) = [entry["subnet"] for entry in compose["networks"]["default"]["ipam"]["config"]]
    for service in SERVICE_NAMES:
        container = compose["services"][service]
        command = container["command"]
        assert command[command.index("--forwarded-allow-ips") + 1] == network
        assert Settings(
            _env_file=None, trusted_proxies=container["environment"]["FUTURESOCIAL_TRUSTED_PROXIES"]
        ).trusted_proxies == [network]
    gateway = compose["services"]["gateway"]["command"]
    assert "--no-proxy-headers" in gateway and "--forwarded-allow-ips" not in gateway


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("172.28.0.0/24", ["172.28.0.0/24"]),
        ("127.0.0.1, ::1", ["127.0.0.1", "::1"]),
        ('["10.0.0.0/8"]', ["10.0.0.0/8"]),
        ("", []),
    ],
)
def test_trusted_proxies_are_read_as_uvicorn_writes_them_or_as_json(monkeypatch, written, read):
    monkeypatch.setenv("FUTURESOCIAL_TRUSTED_PROXIES", written)
    assert Settings(_env_file=None).trusted_proxies == read


def test_a_trusted_proxy_that_is_not_an_address_or_network_is_refused(monkeypatch):
    monkeypatch.setenv("FUTURESOCIAL_GATEWAY_TRUSTED_PROXIES", "gateway")
    with pytest.raises(ValueError, match="gateway"):
        Settings(_env_file=None)
