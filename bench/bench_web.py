"""Front end benchmark: the social worker's pages at the demo size, through the gateway, on SQLite.

    .venv/bin/python bench/bench_web.py                 # 200 requests per page, one client
    .venv/bin/python bench/bench_web.py --requests 500 --clients 4

Starts the whole platform as `make run` does (`futuresocial up` with the demo workforce, in a temporary folder
with its own SQLite file and keys, on free loopback ports), signs in as the demo social worker through the
front end, and asks for each of their pages in turn, each request timed from sending it to the last byte of
the page: the gateway, the front end and the API calls it makes, and the services behind them. Prints p50,
p99 and the mean per page, and the target: p50 under 100 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.e2e.harness import free_ports  # noqa: E402
from tests.web.visitor import Visitor  # noqa: E402

PAGES = ("/career", "/career/next-step", "/cpd", "/applications", "/evidence", "/opportunities")
TARGET_P50_MS = 100.0
APPS = ("gateway", "careers", "placements", "returners", "analytics", "web")


def start_platform(folder: Path) -> tuple[subprocess.Popen, str, str]:
    ports = dict(zip(APPS, free_ports(len(APPS)), strict=True))
    environment = {name: value for name, value in os.environ.items() if not name.startswith("FUTURESOCIAL_")}
    environment |= {
        "FUTURESOCIAL_DATABASE_URL": f"sqlite:///{folder / 'futuresocial.db'}",
        "FUTURESOCIAL_KEYS_DIR": str(folder / "keys"),
        # One person asking for pages as fast as a loop can would meet their 1,200 API calls a minute.
        "FUTURESOCIAL_API_RATE_LIMIT": "1000000/minute",
        **{f"FUTURESOCIAL_{app.upper()}_PORT": str(port) for app, port in ports.items()},
    }
    errors = open(folder / "up.err", "wb")  # noqa: SIM115 - kept open for the process's life
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "futuresocial"), "up"],
        env=environment,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=errors,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        text = (folder / "up.err").read_text(errors="replace")
        found = re.search(r"demo\.worker: grant_type=password username=(\S+) password=(\S+)", text)
        if found:
            return process, f"http://127.0.0.1:{ports['gateway']}", found.group(2)
        if process.poll() is not None:
            raise SystemExit(f"`futuresocial up` ended:\n{text[-3000:]}")
        time.sleep(0.5)
    raise SystemExit("the platform did not start within 300 s")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_pages(gateway: str, password: str, requests: int, clients: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {page: [] for page in PAGES}
    failures: list[str] = []

    def client() -> None:
        person = Visitor(gateway)
        person.sign_in("demo.worker", password)
        for page in PAGES:
            for _ in range(5):  # warm: connections open, reference data cached
                person.get(page)
            for _ in range(requests // clients):
                started = time.perf_counter()
                answer = person.get(page)
                elapsed = (time.perf_counter() - started) * 1000
                if answer.status_code != 200:
                    failures.append(f"{page}: {answer.status_code}")
                    break
                timings[page].append(elapsed)
        person.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for failure in sorted(set(failures)):
        print(f"not timed: {failure}", file=sys.stderr)
    return {page: values for page, values in timings.items() if values}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (all clients)")
    parser.add_argument("--clients", type=int, default=1)
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="futuresocial-bench-web-"))
    process, gateway, password = start_platform(folder)
    try:
        while httpx.get(f"{gateway}/ready", timeout=5).status_code != 200:
            time.sleep(0.5)
        timings = time_pages(gateway, password, arguments.requests, arguments.clients)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, {os.cpu_count()} cores, SQLite (demo)")
    print(f"{arguments.clients} client(s); target: p50 under {TARGET_P50_MS:g} ms through the gateway")
    print("| page | requests | p50 ms | p99 ms | mean ms |")
    print("| --- | --- | --- | --- | --- |")
    for page, values in timings.items():
        p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
        mark = "" if p50 < TARGET_P50_MS else " (over target)"
        print(f"| `{page}` | {len(values)} | {p50:.1f}{mark} | {p99:.1f} | {statistics.fmean(values):.1f} |")


if __name__ == "__main__":
    main()
