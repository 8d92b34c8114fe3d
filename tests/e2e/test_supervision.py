"""`futuresocial up` supervises: a service killed with SIGKILL is back by itself within seconds while the
others keep answering, and Ctrl-C still stops every process, after a restart and with one pending."""

import os
import signal
import threading
import time
from collections.abc import Iterator

import httpx
import psutil
import pytest

from services.common.settings import SERVICE_NAMES
from tests.e2e.harness import Platform, bearer_for, own_database, running_platform

BACK_WITHIN = 10.0
POLL_EVERY = 0.05


def serving_pids(port: int) -> set[int]:
    """The processes listening on `port` (one process each here: no workers)."""
    listening = psutil.net_connections("tcp")
    return {c.pid for c in listening if c.status == psutil.CONN_LISTEN and c.laddr.port == port and c.pid}


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).is_success
    except httpx.HTTPError:
        return False


def supervisor_lines(platform: Platform) -> list[str]:
    return [line for line in (platform.folder / "up.err").read_text().splitlines() if line.startswith("futuresocial:")]


class Poller(threading.Thread):
    """Asks each service through the gateway every POLL_EVERY seconds and keeps every answer."""

    def __init__(self, platform: Platform, headers: dict[str, str]):
        super().__init__(daemon=True)
        self.platform, self.headers = platform, headers
        self.answers: dict[str, list[int | str]] = {service: [] for service in SERVICE_NAMES}
        self.stopping = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.platform.gateway, headers=self.headers, timeout=10) as client:
            while not self.stopping.is_set():
                for service in SERVICE_NAMES:
                    try:
                        answer = client.get(f"/v1/{service}/whoami")
                        problem = answer.headers.get("content-type", "").startswith("application/problem+json")
                        self.answers[service].append(answer.status_code if answer.status_code < 500 or problem
                                                     else f"{answer.status_code} without problem details")  # fmt: skip
                    except httpx.HTTPError as exc:
                        self.answers[service].append(repr(exc))
                self.stopping.wait(POLL_EVERY)

    def failures(self, service: str) -> list[int | str]:
        return [answer for answer in self.answers[service] if answer != 200]


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """One platform for the file (starting one costs more than the tests): rate limits high enough for a
    client polling every 50 ms; the harness stops it with SIGINT afterwards and fails unless `up` exits 0
    and nothing listens any more."""
    folder = tmp_path_factory.mktemp("e2e-supervision")
    env = {"FUTURESOCIAL_API_RATE_LIMIT": "100000/minute", "FUTURESOCIAL_SCHEDULER_ENABLED": "false"}
    with own_database(folder) as database_url, running_platform(database_url, folder, env=env) as platform:
        yield platform


def _kill(platform: Platform, service: str) -> int:
    (pid,) = serving_pids(platform.ports[service])
    os.kill(pid, signal.SIGKILL)
    return pid


def test_a_service_killed_with_sigkill_is_back_by_itself_while_the_others_answer_throughout(
    platform: Platform,
) -> None:
    headers = bearer_for(
        platform.gateway, grant_type="client_credentials", client_id=platform.client_id,
        client_secret=platform.client_secret,
    )  # fmt: skip
    poller = Poller(platform, headers)
    poller.start()
    time.sleep(0.5)
    killed = _kill(platform, "placements")
    killed_at = time.monotonic()
    back_after = None
    while time.monotonic() - killed_at < BACK_WITHIN + 5:
        pids = serving_pids(platform.ports["placements"])
        if pids and killed not in pids and answers(f"{platform.url('placements')}/ready"):
            back_after = time.monotonic() - killed_at
            break
        time.sleep(0.05)
    time.sleep(0.5)
    poller.stopping.set()
    poller.join()

    assert back_after is not None, f"placements was not back {BACK_WITHIN + 5:g} s after SIGKILL\n{platform.output()}"
    assert back_after < BACK_WITHIN, f"placements took {back_after:.1f} s to come back"
    print(f"placements back {back_after:.2f} s after SIGKILL")
    for service in ("careers", "returners", "analytics"):
        assert len(poller.answers[service]) > 20
        assert poller.failures(service) == [], f"{service} failed while placements was down"
    # Meanwhile placements answered 503 problem details through the gateway, never an error of another kind.
    assert set(poller.failures("placements")) <= {503}, poller.failures("placements")
    assert poller.answers["placements"][-1] == 200
    lines = supervisor_lines(platform)
    assert any(f"placements (pid {killed}) was killed by SIGKILL; restarting it in" in line for line in lines), lines
    assert any("placements restarted" in line for line in lines), lines


def test_ctrl_c_stops_every_process_after_a_restart_and_with_a_restart_pending(platform: Platform) -> None:
    """Last in the file: it stops the platform."""
    killed = _kill(platform, "careers")
    deadline = time.monotonic() + BACK_WITHIN
    while not serving_pids(platform.ports["careers"]) - {killed}:
        assert time.monotonic() < deadline, platform.output()
        time.sleep(0.05)
    killed = _kill(platform, "returners")
    while not any(f"returners (pid {killed})" in line for line in supervisor_lines(platform)):
        assert time.monotonic() < deadline, platform.output()
        time.sleep(0.01)
    children = psutil.Process(platform.process.pid).children(recursive=True)
    # Leaving the `with` sends SIGINT now, while returners waits out its backoff; the harness asserts that
    # `up` exits 0 and that nothing listens on any port. No child may outlive it either.
    platform.process.send_signal(signal.SIGINT)
    platform.process.wait(timeout=20)
    gone, alive = psutil.wait_procs(children, timeout=5)
    assert alive == [], alive
    assert not any("returners restarted" in line for line in supervisor_lines(platform)), platform.output()
