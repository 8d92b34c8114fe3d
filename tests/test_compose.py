"""docker-compose.yml, read without Docker: every service asks the gateway (not its own container) for its
token, with credentials from the environment, and runs the same apps and worker count as `futuresocial up`."""

import re

import pytest
import yaml

from futuresocial.runner import APPS
from services.common import service_client
from services.common.settings import PROJECT_ROOT, SERVICE_NAMES, Settings

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
ENV_EXAMPLE = (PROJECT_ROOT / ".env.example").read_text()
FROM_ENVIRONMENT = re.compile(r"^\$\{(?P<name>[A-Z_]+)[:?\-}]")


def example_values() -> dict[str, str]:
    lines = [line for line in ENV_EXAMPLE.splitlines() if line and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_each_service_asks_the_gateway_for_its_token_with_credentials_from_the_environment(service: str) -> None:
    environment = COMPOSE["services"][service]["environment"]
    assert environment["FUTURESOCIAL_GATEWAY_URL"] == "http://gateway:8000"
    for name in ("FUTURESOCIAL_SERVICE_CLIENT_ID", "FUTURESOCIAL_SERVICE_CLIENT_SECRET"):
        interpolated = FROM_ENVIRONMENT.match(str(environment[name]))
        assert interpolated and interpolated["name"] == name, f"{service}: {name} is not taken from the environment"


def test_every_variable_compose_reads_is_in_the_env_example_and_no_secret_has_a_value_there() -> None:
    text = (PROJECT_ROOT / "docker-compose.yml").read_text()
    read = set(re.findall(r"\$\{([A-Z_]+)", text))
    values = example_values()
    assert read <= set(values), read - set(values)
    for name, value in values.items():
        if any(word in name for word in ("SECRET", "KEY", "PASSWORD", "TOKEN")):
            assert value == "", f"{name} has a value in .env.example"


@pytest.mark.parametrize("app", APPS)
def test_each_container_runs_the_app_up_runs_with_the_configured_workers(app: str) -> None:
    container = COMPOSE["services"][app]
    command = container["command"]
    assert command[:2] == ["uvicorn", APPS[app]]
    workers = command[command.index("--workers") + 1]
    assert workers == container["environment"]["FUTURESOCIAL_WORKERS"] == "${FUTURESOCIAL_WORKERS:-1}"
    assert container["restart"] == "unless-stopped"
    assert container["environment"]["FUTURESOCIAL_RATE_LIMIT_STORAGE_URL"].startswith("redis://")


def test_the_service_token_comes_from_the_gateway_url_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(_env_file=None, gateway_url="http://gateway:8000", host="careers", gateway_port=8000)
    monkeypatch.setattr(service_client, "get_settings", lambda: settings)
    monkeypatch.setattr(service_client, "_token", None)
    assert service_client._service_token().token_url == "http://gateway:8000/v1/auth/token"


@pytest.mark.parametrize("app", APPS)
def test_each_containers_processes_add_up_their_metrics_in_a_folder_fresh_at_every_start(app: str) -> None:
    container = COMPOSE["services"][app]
    folder = container["environment"]["PROMETHEUS_MULTIPROC_DIR"]
    assert folder in container["tmpfs"]  # emptied when the container starts again, as prometheus_client needs


def test_the_migration_job_keeps_no_metrics_folder() -> None:
    assert "PROMETHEUS_MULTIPROC_DIR" not in COMPOSE["services"]["migrate"]["environment"]
