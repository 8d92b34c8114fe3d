"""Starting the real platform for end-to-end tests: `futuresocial up` on free loopback ports, exactly as
`make run` starts it, against a database of its own (the processes commit for real)."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from services.common.settings import SERVICE_NAMES
from tests.databases import scratch_postgres_database

HOST = "127.0.0.1"
BIN = Path(sys.executable).parent
COUNCIL = "330"  # Birmingham
START_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0


@dataclass
class Platform:
    folder: Path
    env: dict[str, str]
    ports: dict[str, int]
    client_id: str
    client_secret: str
    username: str
    password: str
    process: subprocess.Popen | None = None
    logs: list[Path] = field(default_factory=list)

    @property
    def gateway(self) -> str:
        return self.url("gateway")

    def url(self, app: str) -> str:
        return f"http://{HOST}:{self.ports[app]}"

    def output(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text(errors='replace')[-6000:]}" for path in self.logs)

    def cli(self, *args: str) -> dict:
        """Run `futuresocial <args>` against this platform's database; the JSON it printed last."""
        return last_json_line(futuresocial(self.env, self.folder, *args).stdout)


def free_ports(count: int) -> list[int]:
    """Distinct ports the kernel has just found free on the loopback interface."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((HOST, 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def is_listening(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def futuresocial(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(BIN / "futuresocial"), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"futuresocial {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def last_json_line(stdout: str) -> dict:
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    assert lines, f"no JSON printed:\n{stdout}"
    return json.loads(lines[-1])


def wait_for(url: str, deadline: float, process: subprocess.Popen, expect: int | None = 200) -> None:
    """Until `url` answers (with `expect`, when given), the process dies, or the deadline passes."""
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the process exited with {process.returncode} before {url} answered")
        try:
            answer = httpx.get(url, timeout=2)
            if expect is None or answer.status_code == expect:
                return
            last = f"{answer.status_code} {answer.text[:300]}"
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer {expect} in time; last: {last}")


@contextlib.contextmanager
def own_database(folder: Path) -> Iterator[str]:
    """A database of the platform's own: a SQLite file in `folder`, or a fresh PostgreSQL database
    (dropped afterwards) when FUTURESOCIAL_TEST_DATABASE_URL names a server."""
    base = os.environ.get("FUTURESOCIAL_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{folder / 'futuresocial.db'}"
        return
    with scratch_postgres_database(base, f"{make_url(base).database}_e2e") as url:
        yield url


@contextlib.contextmanager
def running_platform(
    database_url: str, folder: Path, *up_args: str, env: dict[str, str] | None = None
) -> Iterator[Platform]:
    """`futuresocial up --no-demo <up_args>` on free ports, with a council HR client of COUNCIL and an
    academy admin; stopped with SIGINT afterwards, which must stop every process cleanly."""
    ports = dict(zip(("gateway", *SERVICE_NAMES, "web"), free_ports(6), strict=True))
    environment = {name: value for name, value in os.environ.items() if not name.startswith("FUTURESOCIAL_")}
    environment |= {
        "FUTURESOCIAL_DATABASE_URL": database_url,
        "FUTURESOCIAL_KEYS_DIR": str(folder / "keys"),
        "FUTURESOCIAL_HOST": HOST,
        "FUTURESOCIAL_SCHEDULER_START_DELAY_SECONDS": "1",
        "FUTURESOCIAL_SCHEDULER_INTERVAL_SECONDS": "5",
        **{f"FUTURESOCIAL_{app.upper()}_PORT": str(port) for app, port in ports.items()},
        **(env or {}),
    }
    futuresocial(environment, folder, "migrate")
    cli = ("clients", "create", "--role", "council_hr", "--council", COUNCIL)
    client = last_json_line(futuresocial(environment, folder, *cli).stdout)
    cli = ("users", "create", "--username", "e2e.admin", "--role", "academy_admin")
    user = last_json_line(futuresocial(environment, folder, *cli).stdout)
    platform = Platform(
        folder=folder,
        env=environment,
        ports=ports,
        client_id=client["client_id"],
        client_secret=client["client_secret"],
        username=user["username"],
        password=user["password"],
        logs=[folder / "up.out", folder / "up.err"],
    )
    with open(folder / "up.out", "wb") as out, open(folder / "up.err", "wb") as err:
        platform.process = subprocess.Popen(
            [str(BIN / "futuresocial"), "up", "--no-demo", *up_args],
            env=environment,
            cwd=folder,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        wait_for(f"{platform.gateway}/ready", deadline, platform.process)
        # `up` announces itself once it has stopped waiting and is about to supervise (Ctrl-C handling).
        while "FutureSocial is running" not in (folder / "up.err").read_text(errors="replace"):
            assert time.monotonic() < deadline, "`futuresocial up` never said it was running"
            time.sleep(0.1)
    except BaseException as exc:
        os.killpg(platform.process.pid, signal.SIGKILL)
        platform.process.wait()
        raise AssertionError(f"the platform did not start: {exc}\n{platform.output()}") from exc

    try:
        yield platform
    finally:
        _stop(platform)


def _stop(platform: Platform) -> None:
    """SIGINT, as Ctrl-C: every process must stop cleanly and nothing may be left listening."""
    ports = platform.ports
    platform.process.send_signal(signal.SIGINT)
    try:
        code = platform.process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(platform.process.pid, signal.SIGKILL)
        platform.process.wait()
        raise AssertionError(f"`futuresocial up` did not stop within {STOP_TIMEOUT:g} s of SIGINT\n{platform.output()}")
    still = [app for app, port in ports.items() if is_listening(port)]
    if still:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(platform.process.pid, signal.SIGKILL)
    assert not still, f"still listening after `up` stopped: {still}\n{platform.output()}"
    assert code == 0, f"`futuresocial up` exited with {code} after SIGINT\n{platform.output()}"


def get_token(base_url: str, **form: str) -> httpx.Response:
    return httpx.post(f"{base_url}/v1/auth/token", data=form, timeout=30)


def bearer_for(base_url: str, **form: str) -> dict[str, str]:
    """Authorization headers with a token for these credentials (a form as POST /v1/auth/token takes)."""
    answer = get_token(base_url, **form)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def assert_problem(answer: httpx.Response, status: int) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["status"] == status
    assert body["title"]


def metrics_of(base_url: str) -> str:
    """The process's /metrics page (whichever process of its app answers)."""
    answer = httpx.get(f"{base_url}/metrics", timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.text


def metric(exposition: str, name: str, **labels: str) -> float:
    """One sample's value in a /metrics page; 0 when it has not been counted yet."""
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0
