"""Starts the gateway and the four services as separate uvicorn processes and stops them together."""

import os
import signal
import subprocess
import sys
import time

import httpx

from services.common.settings import SERVICE_NAMES, Settings

APPS = {
    "gateway": "gateway.app:app",
    "careers": "services.careers.app:app",
    "placements": "services.placements.app:app",
    "returners": "services.returners.app:app",
    "analytics": "services.analytics.app:app",
}


def _port(settings: Settings, name: str) -> int:
    return getattr(settings, f"{name}_port")


def start_processes(settings: Settings) -> dict[str, subprocess.Popen]:
    processes = {}
    for name in (*SERVICE_NAMES, "gateway"):
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            APPS[name],
            "--host",
            settings.host,
            "--port",
            str(_port(settings, name)),
            "--no-access-log",
            "--timeout-graceful-shutdown",
            "5",
        ]
        processes[name] = subprocess.Popen(command, env=os.environ.copy())
    return processes


def wait_until_ready(settings: Settings, processes: dict[str, subprocess.Popen], timeout: float = 60) -> bool:
    url = f"http://{settings.host}:{settings.gateway_port}/ready"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes.values()):
            return False
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


def stop_processes(processes: dict[str, subprocess.Popen], grace: float = 10) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def supervise(processes: dict[str, subprocess.Popen]) -> int:
    """Wait until Ctrl-C or SIGTERM, or until one process dies; then stop them all."""
    stopping = False

    def _stop(_signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    exit_code = 0
    while not stopping:
        dead = [name for name, process in processes.items() if process.poll() is not None]
        if dead:
            print(f"futuresocial: {', '.join(dead)} stopped unexpectedly; stopping the rest.", file=sys.stderr)
            exit_code = 1
            break
        time.sleep(0.2)
    stop_processes(processes)
    return exit_code
