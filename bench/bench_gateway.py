"""Gateway benchmark: placements called directly, through the gateway, and through nginx, side by side.

    .venv/bin/python bench/bench_gateway.py                      # SQLite file in a temp dir
    .venv/bin/python bench/bench_gateway.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    PYTHONPATH=/tmp/gw-before .venv/bin/python bench/bench_gateway.py   # another checkout's code

Starts one real placements uvicorn process and one real gateway process on free loopback ports (and
nginx proxying to placements with keep-alive, when nginx is installed), with a database and an RS256
key pair of their own, then measures an authenticated council HR call (GET
/v1/placements/councils?member=true) at 1 and 32 clients: requests/s, p50 and p99, and the CPU each
process spent per request. The load comes from wrk when it is installed (one thread, so that it takes
as little of the machine's CPU as possible), otherwise from an asyncio client in this process.
Targets: at 1 client the gateway adds at most 2 ms at p50; at 32 clients it keeps at least 60% of the
requests/s, both against direct calls and against nginx.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(ROOT))  # runnable from any directory; PYTHONPATH picks another checkout
_RUN_DIR = Path(tempfile.mkdtemp(prefix="futuresocial-bench-gateway-"))
os.environ["FUTURESOCIAL_KEYS_DIR"] = str(_RUN_DIR / "keys")  # before any setting is read

import httpx  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402
from sqlmodel import Session  # noqa: E402

import services  # noqa: E402
from services.common.jwt import ensure_development_keys, issue_token  # noqa: E402
from services.common.migrate import upgrade  # noqa: E402
from services.common.reference import load_councils  # noqa: E402
from services.common.settings import get_settings  # noqa: E402
from tests.databases import scratch_postgres_database  # noqa: E402
from tests.e2e.harness import free_ports  # noqa: E402

HOST = "127.0.0.1"
PATH = "/v1/placements/councils?member=true"
COUNCIL = "330"  # Birmingham
START_TIMEOUT = 60.0
TARGET_ADDED_P50_MS = 2.0
TARGET_THROUGHPUT_SHARE = 0.60
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# wrk reports through this hook: one JSON line, latencies in microseconds.
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "errors": %d, "non_2xx": %d, "p50_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass
class Figures:
    route: str
    clients: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    failed: int
    cpu_ms_per_request: dict[str, float]
    load: tuple[float, float, float]


# --- Processes -------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of one process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def wait_until_answers(url: str, headers: dict[str, str], process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: the process exited with {process.returncode}\n{log.read_text()[-4000:]}")
        try:
            answer = httpx.get(url, headers=headers, timeout=5)
            if answer.status_code == 200:
                return
            last = f"{answer.status_code} {answer.text[:300]}"
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer 200 within {START_TIMEOUT:g} s; last: {last}\n{log.read_text()[-4000:]}")


@contextlib.contextmanager
def started(name: str, command: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen]:
    log = _RUN_DIR / f"{name}.log"
    with open(log, "wb") as output:
        # stdout carries one JSON line per request: kept out of the terminal, still formatted and written.
        process = subprocess.Popen(
            command, env=env, cwd=_RUN_DIR, stdout=subprocess.DEVNULL, stderr=output, start_new_session=True
        )
    process.log = log  # type: ignore[attr-defined]
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def uvicorn(app: str, port: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", app, "--host", HOST, "--port", str(port), "--no-access-log"]


def nginx_config(folder: Path, port: int, upstream_port: int) -> Path:
    """One worker (as the gateway has one process), keep-alive to placements, no access log."""
    folder.mkdir(mode=0o755)
    config = folder / "nginx.conf"
    config.write_text(
        f"""
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream placements {{
        server {HOST}:{upstream_port};
        keepalive 64;
    }}
    server {{
        listen {HOST}:{port};
        location / {{
            proxy_pass http://placements;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
"""
    )
    return config


# --- Load --------------------------------------------------------------------------------------------


def wrk_run(url: str, clients: int, seconds: float, token: str, script: Path) -> dict:
    command = ["wrk", "-t1", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "10s", "-s", str(script)]
    command += ["-H", f"Authorization: Bearer {token}", url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    report = json.loads([line for line in result.stdout.splitlines() if line.startswith("{")][-1])
    return {
        "requests": report["requests"],
        "seconds": report["duration_us"] / 1e6,
        "failed": report["errors"] + report["non_2xx"],
        "p50_ms": report["p50_us"] / 1000,
        "p99_ms": report["p99_us"] / 1000,
    }


async def _python_load(url: str, clients: int, seconds: float, token: str) -> dict:
    import asyncio

    latencies: list[float] = []
    failed = 0
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        started_at = time.perf_counter()
        deadline = started_at + seconds

        async def caller() -> None:
            nonlocal failed
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                try:
                    answer = await client.get(url, headers=headers)
                    if answer.status_code != 200:
                        failed += 1
                except httpx.HTTPError:
                    failed += 1
                latencies.append(time.perf_counter() - sent)

        await asyncio.gather(*(caller() for _ in range(clients)))
        elapsed = time.perf_counter() - started_at
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "failed": failed,
        "p50_ms": cuts[49] * 1000,
        "p99_ms": cuts[98] * 1000,
    }


def python_run(url: str, clients: int, seconds: float, token: str) -> dict:
    import asyncio

    return asyncio.run(_python_load(url, clients, seconds, token))


def measure(
    route: str, url: str, clients: int, args: argparse.Namespace, token: str, watched: dict[str, int]
) -> Figures:
    def load(seconds: float) -> dict:
        if args.wrk:
            return wrk_run(url, clients, seconds, token, _RUN_DIR / "report.lua")
        return python_run(url, clients, seconds, token)

    load(args.warmup)
    cpu_before = {name: cpu_seconds(pid) for name, pid in watched.items()}
    run = load(args.duration)
    cpu = {
        name: (cpu_seconds(pid) - cpu_before[name]) * 1000 / max(1, run["requests"]) for name, pid in watched.items()
    }
    return Figures(
        route=route,
        clients=clients,
        requests_per_s=run["requests"] / run["seconds"],
        p50_ms=run["p50_ms"],
        p99_ms=run["p99_ms"],
        failed=run["failed"],
        cpu_ms_per_request=cpu,
        load=os.getloadavg(),
    )


def median_figures(rounds: list[Figures]) -> Figures:
    """The median of each measure over rounds measured the same way."""
    first = rounds[0]
    return Figures(
        route=first.route,
        clients=first.clients,
        requests_per_s=statistics.median(f.requests_per_s for f in rounds),
        p50_ms=statistics.median(f.p50_ms for f in rounds),
        p99_ms=statistics.median(f.p99_ms for f in rounds),
        failed=sum(f.failed for f in rounds),
        cpu_ms_per_request={
            name: statistics.median(f.cpu_ms_per_request[name] for f in rounds) for name in first.cpu_ms_per_request
        },
        load=rounds[-1].load,
    )


# --- Set-up ------------------------------------------------------------------------------------------


@contextlib.contextmanager
def own_database(base_url: str | None) -> Iterator[str]:
    """A SQLite file in the run's folder, or a uniquely named PostgreSQL database dropped at the end."""
    if not base_url:
        yield f"sqlite:///{_RUN_DIR / 'futuresocial.db'}"
        return
    with scratch_postgres_database(base_url, "fs_bench_gateway") as url:
        yield url


def prepare(database_url: str) -> None:
    upgrade(database_url)
    engine = create_engine(database_url)
    with Session(engine) as session:
        load_councils(session)
    engine.dispose()


def machine() -> str:
    lscpu = (
        subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()[:10]
        if shutil.which("lscpu")
        else []
    )
    lines = [
        f"date: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"nproc: {os.cpu_count()}; Python {platform.python_version()}; {platform.platform()}",
        *(f"  {line}" for line in lscpu),
    ]
    return "\n".join(lines)


# --- Report ------------------------------------------------------------------------------------------


def row(figures: Figures) -> str:
    cpu = ", ".join(f"{name} {ms:.2f}" for name, ms in figures.cpu_ms_per_request.items())
    load = " ".join(f"{n:.2f}" for n in figures.load)
    return (
        f"| {figures.route:<8} | {figures.clients:>7} | {figures.requests_per_s:>10,.0f} | {figures.p50_ms:>8.2f} "
        f"| {figures.p99_ms:>8.2f} | {figures.failed:>6} | {cpu} | {load} |"
    )


def verdict(ok: bool) -> str:
    return "meets" if ok else "MISSES"


def compare(results: dict[tuple[str, int], Figures], baseline: str) -> list[str]:
    lines = []
    if ("gateway", 1) in results and (baseline, 1) in results:
        added = results["gateway", 1].p50_ms - results[baseline, 1].p50_ms
        ok = added <= TARGET_ADDED_P50_MS
        lines.append(
            f"1 client, gateway against {baseline}: adds {added:+.2f} ms at p50 "
            f"(target at most {TARGET_ADDED_P50_MS:g} ms): {verdict(ok)}"
        )
    for clients in sorted({c for _, c in results if c > 1}):
        if ("gateway", clients) in results and (baseline, clients) in results:
            share = results["gateway", clients].requests_per_s / results[baseline, clients].requests_per_s
            added = results["gateway", clients].p50_ms - results[baseline, clients].p50_ms
            ok = share >= TARGET_THROUGHPUT_SHARE
            lines.append(
                f"{clients} clients, gateway against {baseline}: keeps {share:.0%} of the requests/s "
                f"(target at least {TARGET_THROUGHPUT_SHARE:.0%}): {verdict(ok)}; adds {added:+.2f} ms at p50"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="a PostgreSQL server URL; a database of the run's own is made there")
    parser.add_argument("--clients", default="1,32", help="comma-separated client counts (default 1,32)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per route and client count")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of load before each measurement")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds; the median is reported")
    parser.add_argument("--routes", default="direct,gateway,nginx", help="which of direct, gateway, nginx to measure")
    parser.add_argument("--no-wrk", dest="wrk", action="store_false", help="use the Python client even if wrk is here")
    parser.add_argument("--no-nginx", dest="nginx", action="store_false", help="leave nginx out")
    args = parser.parse_args()
    args.wrk = args.wrk and shutil.which("wrk") is not None
    nginx = shutil.which("nginx") or (Path("/usr/sbin/nginx") if Path("/usr/sbin/nginx").exists() else None)
    client_counts = [int(count) for count in args.clients.split(",")]

    print(machine())
    print(f"code under test: {Path(services.__file__).resolve().parents[1]}")
    print(f"load generator: {'wrk, one thread' if args.wrk else 'Python asyncio client (wrk is not installed)'}")
    if not args.nginx:
        print("nginx: left out (--no-nginx)")
    elif not nginx:
        print("nginx: not installed, so there is no nginx column (apt-get install -y nginx)")
    (_RUN_DIR / "report.lua").write_text(WRK_REPORT)

    try:
        with own_database(args.database_url) as database_url:
            _RUN_DIR.chmod(0o755)  # nginx's worker runs as another user and must reach its folder
            settings_env = {
                "FUTURESOCIAL_DATABASE_URL": database_url,
                "FUTURESOCIAL_KEYS_DIR": str(_RUN_DIR / "keys"),
                "FUTURESOCIAL_HOST": HOST,
                "FUTURESOCIAL_SCHEDULER_ENABLED": "false",
                # The limiter still runs on every request; the benchmark's one client must not hit it.
                "FUTURESOCIAL_API_RATE_LIMIT": "100000000/minute",
            }
            os.environ.update(settings_env)
            get_settings.cache_clear()
            ensure_development_keys(get_settings())
            prepare(database_url)
            token = issue_token(
                subject="bench-council-hr",
                role="council_hr",
                council=COUNCIL,
                scopes=["careers", "placements", "returners", "analytics"],
                ttl_seconds=24 * 3600,
            )
            headers = {"Authorization": f"Bearer {token}"}
            placements_port, gateway_port, nginx_port = free_ports(3)
            env = {name: value for name, value in os.environ.items() if not name.startswith("FUTURESOCIAL_")}
            env |= settings_env | {
                "FUTURESOCIAL_PLACEMENTS_PORT": str(placements_port),
                "FUTURESOCIAL_GATEWAY_PORT": str(gateway_port),
            }
            with contextlib.ExitStack() as stack:
                placements = stack.enter_context(
                    started("placements", uvicorn("services.placements.app:app", placements_port), env)
                )
                gateway = stack.enter_context(started("gateway", uvicorn("gateway.app:app", gateway_port), env))
                routes = {
                    "direct": f"http://{HOST}:{placements_port}{PATH}",
                    "gateway": f"http://{HOST}:{gateway_port}{PATH}",
                }
                wait_until_answers(routes["direct"], headers, placements, placements.log)
                wait_until_answers(routes["gateway"], headers, gateway, gateway.log)
                if args.nginx and nginx:
                    config = nginx_config(_RUN_DIR / "nginx", nginx_port, placements_port)
                    proxy = stack.enter_context(started("nginx", [str(nginx), "-c", str(config)], env))
                    routes["nginx"] = f"http://{HOST}:{nginx_port}{PATH}"
                    wait_until_answers(routes["nginx"], headers, proxy, proxy.log)
                routes = {route: url for route, url in routes.items() if route in args.routes.split(",")}
                watched = {"gateway": gateway.pid, "placements": placements.pid}
                print(f"processes: placements pid {placements.pid}, gateway pid {gateway.pid}", flush=True)
                print(f"endpoint: GET {PATH} as council HR ({COUNCIL}); {args.duration:g} s per measurement")
                print(f"load average before: {' '.join(f'{n:.2f}' for n in os.getloadavg())}\n")
                results: dict[tuple[str, int], Figures] = {}
                rounds: dict[tuple[str, int], list[Figures]] = {}
                for _ in range(args.rounds):
                    for clients in client_counts:
                        for route, url in routes.items():
                            rounds.setdefault((route, clients), []).append(
                                measure(route, url, clients, args, token, watched)
                            )
                results = {key: median_figures(figures) for key, figures in rounds.items()}
    finally:
        shutil.rmtree(_RUN_DIR, ignore_errors=True)

    print("| route    | clients | requests/s |  p50 ms  |  p99 ms  | failed | CPU ms per request | load average |")
    print("| -------- | ------- | ---------- | -------- | -------- | ------ | ------------------ | ------------ |")
    for figures in results.values():
        print(row(figures))
    print()
    for baseline in ("direct", "nginx"):
        for line in compare(results, baseline):
            print(line)
    if any(figures.failed for figures in results.values()):
        print("some requests failed: the figures above are not comparable")


if __name__ == "__main__":
    main()
