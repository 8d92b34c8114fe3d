"""Runs the gateway and the four services as uvicorn processes, restarts any that dies, and stops them together."""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from services.common.metrics import MULTIPROCESS_DIR
from services.common.settings import SERVICE_NAMES, Settings

APPS = {
    "gateway": "gateway.app:app",
    "careers": "services.careers.app:app",
    "placements": "services.placements.app:app",
    "returners": "services.returners.app:app",
    "analytics": "services.analytics.app:app",
    "web": "web.app:app",
}
START_ORDER = (*SERVICE_NAMES, "web", "gateway")
PR_SET_PDEATHSIG = 1
# Looked up before any fork: the child between fork and exec should not load libraries.
_prctl = ctypes.CDLL(None).prctl if sys.platform == "linux" else None


def log(message: str) -> None:
    print(f"futuresocial: {message}", file=sys.stderr, flush=True)


@dataclass
class Backoff:
    """How long to wait before restarting a process that died: `first`, doubling with each death up to
    `longest`; a process that stayed up `stable_after` seconds starts again from `first`, so one crash a
    day never waits long while a crash loop does not spin."""

    first: float = 0.5
    longest: float = 30.0
    stable_after: float = 60.0
    clock: Callable[[], float] = time.monotonic
    deaths: int = 0
    started_at: float = field(default=float("-inf"))

    def started(self) -> None:
        self.started_at = self.clock()

    def delay_after_death(self) -> float:
        if self.clock() - self.started_at >= self.stable_after:
            self.deaths = 0
        self.deaths += 1
        return min(self.longest, self.first * 2 ** (self.deaths - 1))


def how_it_ended(returncode: int) -> str:
    if returncode < 0:
        return f"was killed by {signal.Signals(-returncode).name}"
    return f"exited with code {returncode}"


def signal_group(process: subprocess.Popen, signum: int) -> None:
    """Signal the process's whole group: a uvicorn manager killed with SIGKILL leaves its workers holding
    the port, and they are still in its group."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


@dataclass
class Supervised:
    name: str
    backoff: Backoff
    process: subprocess.Popen | None = None
    restart_at: float | None = None


class Supervisor:
    """Keeps one process per app running: `start(name)` launches it in a process group of its own; a death
    is logged and the app is started again after its backoff; `stop` ends every group."""

    def __init__(
        self,
        start: Callable[[str], subprocess.Popen],
        names: tuple[str, ...],
        clock: Callable[[], float] = time.monotonic,
        backoff: Callable[[], Backoff] | None = None,
    ):
        self.start, self.clock = start, clock
        new_backoff = backoff or (lambda: Backoff(clock=clock))
        self.apps = {name: Supervised(name, new_backoff()) for name in names}
        self.stopping = False

    @property
    def processes(self) -> dict[str, subprocess.Popen]:
        return {name: app.process for name, app in self.apps.items() if app.process is not None}

    def _launch(self, app: Supervised) -> None:
        app.process, app.restart_at = self.start(app.name), None
        app.backoff.started()

    def start_all(self) -> None:
        for app in self.apps.values():
            if not self.stopping:
                self._launch(app)

    def dead(self) -> dict[str, int]:
        """Apps whose process has ended and not yet been noticed by `check`, with its return code."""
        return {name: process.returncode for name, process in self.processes.items() if process.poll() is not None}

    def check(self) -> None:
        """One pass: notice deaths and schedule their restart, and restart whatever is due."""
        now = self.clock()
        for app in self.apps.values():
            if app.process is not None and app.process.poll() is not None:
                signal_group(app.process, signal.SIGKILL)
                delay = app.backoff.delay_after_death()
                log(
                    f"{app.name} (pid {app.process.pid}) {how_it_ended(app.process.returncode)}; "
                    f"restarting it in {delay:g} s."
                )
                app.process, app.restart_at = None, now + delay
            elif app.process is None and app.restart_at is not None and now >= app.restart_at and not self.stopping:
                self._launch(app)
                log(f"{app.name} restarted (pid {app.process.pid}).")

    def run(self, interval: float = 0.1) -> None:
        """Until `stopping` is set (by a signal handler)."""
        while not self.stopping:
            self.check()
            time.sleep(interval)

    def stop(self, grace: float = 10) -> None:
        """SIGTERM to each app (uvicorn shuts down gracefully, a manager stops its workers), SIGKILL to
        whatever of its group is left after `grace`. Pending restarts are dropped."""
        self.stopping = True
        running = [app.process for app in self.apps.values() if app.process is not None]
        for process in running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            signal_group(process, signal.SIGKILL)
            process.wait()
        for app in self.apps.values():
            app.process, app.restart_at = None, None

    def stop_on_signals(self) -> None:
        """SIGINT (Ctrl-C) and SIGTERM end `run`; the caller then calls `stop`."""

        def _stop(_signum, _frame):
            self.stopping = True

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)


def _port(settings: Settings, name: str) -> int:
    return getattr(settings, f"{name}_port")


def _in_own_group_ended_with_us(supervisor_pid: int) -> Callable[[], None]:
    """Runs in the child before uvicorn starts. Its own process group (see `signal_group`), and SIGTERM when
    `up` itself dies, even by SIGKILL, so no service outlives the supervisor and keeps its port."""

    def prepare() -> None:
        os.setpgid(0, 0)
        if _prctl is not None:
            _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
            if os.getppid() != supervisor_pid:  # it died before prctl
                os.kill(os.getpid(), signal.SIGTERM)

    return prepare


def forwarded_headers_flags(settings: Settings, name: str) -> list[str]:
    """Whose X-Forwarded-For uvicorn believes for this app, replacing its default of anyone on loopback (where
    every caller of `up` is, so any of them could have named its own address): for the services the gateway
    (settings.trusted_proxies), for the gateway only a proxy configured in front of it, by default none."""
    trusted = settings.gateway_trusted_proxies if name == "gateway" else settings.trusted_proxies
    if not trusted:
        return ["--no-proxy-headers"]
    return ["--forwarded-allow-ips", ",".join(trusted)]


@contextlib.contextmanager
def metrics_folders(workers: int) -> Iterator[Path | None]:
    """With several workers per app, a folder in which each app's processes keep their metrics (prometheus_client's
    multiprocess mode), removed when `up` ends; kept across a restart, so the app's counters go on from where they
    were. With one worker, None: each process keeps its own in memory."""
    if workers == 1:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="futuresocial-metrics-") as root:
        yield Path(root)


def app_environment(name: str, workers: int, metrics_root: Path | None) -> dict[str, str]:
    """What one app's processes start with: the worker count and, with several, the app's own metrics folder (one
    shared by two apps would add the services' requests to the gateway's)."""
    environment = {key: value for key, value in os.environ.items() if key != MULTIPROCESS_DIR}
    environment["FUTURESOCIAL_WORKERS"] = str(workers)
    if metrics_root is not None:
        folder = metrics_root / name
        folder.mkdir(exist_ok=True)
        environment[MULTIPROCESS_DIR] = str(folder)
    return environment


def uvicorn_starter(
    settings: Settings, workers: int, metrics_root: Path | None = None
) -> Callable[[str], subprocess.Popen]:
    """Starts one app: one uvicorn process, or with workers > 1 uvicorn's manager, which restarts a dead
    worker by itself (and is restarted by the supervisor when it dies)."""

    def start(name: str) -> subprocess.Popen:
        environment = app_environment(name, workers, metrics_root)
        command = [
            sys.executable, "-m", "uvicorn", APPS[name],
            "--host", settings.host, "--port", str(_port(settings, name)),
            "--no-access-log", "--timeout-graceful-shutdown", "5",
            *forwarded_headers_flags(settings, name),
            # A worker starting on a busy machine can take longer than uvicorn's 5 s to answer its first
            # health check; killed for it, its replacement is just as slow, and the app never comes up.
            *(["--workers", str(workers), "--timeout-worker-healthcheck", "30"] if workers > 1 else []),
        ]  # fmt: skip
        return subprocess.Popen(command, env=environment, preexec_fn=_in_own_group_ended_with_us(os.getpid()))

    return start


def wait_until_ready(settings: Settings, supervisor: Supervisor, timeout: float = 60) -> bool:
    """Until the gateway's /ready says every service reaches the database; False if a process dies first (a
    broken start is reported, not retried), on a stop signal, or after `timeout`."""
    url = f"http://{settings.host}:{settings.gateway_port}/ready"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not supervisor.stopping:
        if supervisor.dead():
            return False
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False
