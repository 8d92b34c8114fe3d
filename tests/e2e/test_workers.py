"""`futuresocial up --workers 2`: two processes per service, and what they share stays correct whichever of
them serves a request: the rate limit (Redis), Idempotency-Key replays and the extract scheduler's claims
(the database)."""

import collections
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime

import httpx
import psutil
import pytest
from sqlalchemy import create_engine, text

from services.analytics.extracts.scheduler import due_periods, scheduled_jobs
from services.common.reference import ACADEMY_MEMBERS
from services.common.settings import Settings
from tests.e2e.harness import (
    BIN,
    COUNCIL,
    HOST,
    Platform,
    bearer_for,
    free_ports,
    is_listening,
    metric,
    metrics_of,
    own_database,
    running_platform,
)
from tests.placements.factory import person, xml_return

WORKERS = 2
REDIS = "redis://127.0.0.1:6379/0"
API_LIMIT = 20
SENT = ("331", "334")  # the councils whose returns are sent before the scheduled extracts are looked at

# Fresh connections tried until every process of an app has answered one: the kernel hands a connection to
# whichever process accepts first, and on a busy machine one process can take forty in a row.
FRESH_CONNECTIONS = 200


def redis_answers() -> bool:
    from limits.storage import storage_from_string

    try:
        return storage_from_string(REDIS).check()
    except Exception:  # noqa: BLE001 - not there
        return False


def newest_due_periods() -> dict[str, str]:
    now, defaults = datetime.now(UTC), Settings(_env_file=None)
    newest = {job.kind: list(due_periods(job, now, defaults))[-1].key for job in scheduled_jobs()}
    return {"extract_first_year": newest["csww"], "extract_first_month": newest["retention"]}


def scheduled_extracts_due(platform: Platform) -> set[tuple[str, str, str | None]]:
    settings = Settings(_env_file=None, **newest_due_periods())
    assert settings.extract_first_year == int(platform.env["FUTURESOCIAL_EXTRACT_FIRST_YEAR"])
    return {
        (job.kind, period.key, job.council)
        for job in scheduled_jobs()
        for period in due_periods(job, datetime.now(UTC), settings)
    }


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    if not redis_answers():
        (pytest.fail if os.environ.get("CI") else pytest.skip)(f"several workers need Redis at {REDIS}")
    folder = tmp_path_factory.mktemp("e2e-workers")
    env = {
        "FUTURESOCIAL_RATE_LIMIT_STORAGE_URL": REDIS,
        "FUTURESOCIAL_RATE_LIMIT_KEY_PREFIX": f"e2e-{uuid.uuid4().hex}",
        "FUTURESOCIAL_API_RATE_LIMIT": f"{API_LIMIT}/minute",
        # Only the newest due period of each job, so the schedule is done in seconds: 14 returns, 1 summary.
        **{f"FUTURESOCIAL_{name.upper()}": value for name, value in newest_due_periods().items()},
        # A run that fails because placements is still starting is retried in seconds, not minutes.
        "FUTURESOCIAL_EXTRACT_RETRY_BASE_SECONDS": "1",
    }
    with (
        own_database(folder) as database_url,
        running_platform(database_url, folder, "--workers", str(WORKERS), env=env) as platform,
    ):
        yield platform


def listens_on(process: psutil.Process, port: int) -> bool:
    # Asked per process: psutil.net_connections() names one process for a socket that several share.
    return any(c.status == psutil.CONN_LISTEN and c.laddr.port == port for c in process.net_connections("tcp"))


def worker_processes(platform: Platform, app: str) -> list[psutil.Process]:
    """The processes serving `app`: the children of its uvicorn manager (itself a child of `up`) that
    listen on its port."""
    port = platform.ports[app]
    (manager,) = [child for child in psutil.Process(platform.process.pid).children() if listens_on(child, port)]
    return [child for child in manager.children() if listens_on(child, port)]


def on_a_fresh_connection(url: str, method: str, path: str, **kwargs) -> tuple[httpx.Response, int]:
    """The answer, and the pid of the process that served it (the server's end of our connection)."""
    with httpx.Client(base_url=url, timeout=30) as client:
        answer = client.request(method, path, **kwargs)
        _, client_port = answer.extensions["network_stream"].get_extra_info("client_addr")
        server_port = int(url.rsplit(":", 1)[1])
        (pid,) = {
            c.pid
            for c in psutil.net_connections("tcp")
            if c.raddr and c.laddr.port == server_port and c.raddr.port == client_port
        }
        return answer, pid


def test_each_service_runs_in_two_processes_that_know_how_many_there_are(platform: Platform) -> None:
    for app in platform.ports:
        workers = worker_processes(platform, app)
        assert len(workers) == WORKERS, f"{app}: {workers}"
        assert all(worker.environ()["FUTURESOCIAL_WORKERS"] == str(WORKERS) for worker in workers)


def test_the_rate_limit_holds_whichever_process_serves_the_request(platform: Platform) -> None:
    client = platform.cli("clients", "create", "--role", "council_hr", "--council", COUNCIL, "--name", "limited")
    headers = bearer_for(
        platform.gateway, grant_type="client_credentials", client_id=client["client_id"],
        client_secret=client["client_secret"],
    )  # fmt: skip
    gateway_workers = {worker.pid for worker in worker_processes(platform, "gateway")}
    statuses, refused_by = [], set()
    while len(statuses) < API_LIMIT or (
        refused_by != gateway_workers and len(statuses) < API_LIMIT + FRESH_CONNECTIONS
    ):
        answer, pid = on_a_fresh_connection(platform.gateway, "GET", "/v1/placements/councils", headers=headers)
        statuses.append(answer.status_code)
        if answer.status_code == 429:
            refused_by.add(pid)
    assert statuses[:API_LIMIT] == [200] * API_LIMIT, statuses
    # Counted per process, each would allow the whole limit: some of these would be 200.
    assert set(statuses[API_LIMIT:]) == {429}, statuses
    assert refused_by == gateway_workers, "one gateway process served every request; nothing was shown"


def test_an_idempotency_key_replay_gives_the_first_answer_whichever_process_serves_it(platform: Platform) -> None:
    headers = bearer_for(
        platform.gateway, grant_type="client_credentials", client_id=platform.client_id,
        client_secret=platform.client_secret,
    )  # fmt: skip
    headers["Idempotency-Key"] = uuid.uuid4().hex
    worker = {"swe_number": "SW770001"}
    placements = platform.url("placements")  # straight to the service, so each connection is a fresh one
    placements_workers = {process.pid for process in worker_processes(platform, "placements")}
    first, served_first = on_a_fresh_connection(placements, "POST", "/v1/placements/workers", json=worker,
                                                headers=headers)  # fmt: skip
    assert first.status_code == 201, first.text
    replays, served = [], {served_first}
    while served != placements_workers and len(replays) < FRESH_CONNECTIONS or len(replays) < 3:
        answer, pid = on_a_fresh_connection(placements, "POST", "/v1/placements/workers", json=worker, headers=headers)
        replays.append(answer)
        served.add(pid)
    answer = httpx.post(f"{platform.gateway}/v1/placements/workers", json=worker, headers=headers, timeout=30)
    replays.append(answer)

    assert served == placements_workers, "one placements process served every request; nothing was shown"
    for answer in replays:
        assert answer.status_code == 201, answer.text
        assert answer.json() == first.json()
        assert answer.headers["idempotent-replayed"] == "true"


def send_returns(platform: Platform, year: int) -> None:
    """The returns of SENT for census years N-1 and N, and a spell each of their HR systems records now (the
    census year in progress), through the gateway as academy staff."""
    admin = bearer_for(platform.gateway, grant_type="password", username=platform.username, password=platform.password)
    for number, council in enumerate(SENT, start=1):
        for census_year in (year - 1, year):
            records = [person(n, role_start_date=date(census_year - 3, 1, 7)) for n in (1, 2, 3)]
            answer = httpx.post(
                f"{platform.gateway}/v1/placements/imports",
                params={"census_year": census_year, "council": council},
                files={"file": ("r.xml", xml_return(census_year, council, records))},
                headers=admin,
                timeout=60,
            )
            assert answer.status_code == 201, answer.text
        spell = {"swe_number": f"SW88000{number}", "council": council, "start_date": f"{year - 3}-03-01", "org_role": 5}
        answer = httpx.post(f"{platform.gateway}/v1/placements/employments", json=spell, headers=admin, timeout=60)
        assert answer.status_code == 201, answer.text


def test_metrics_add_up_every_process_whichever_of_them_answers(platform: Platform) -> None:
    headers = bearer_for(
        platform.gateway, grant_type="client_credentials", client_id=platform.client_id,
        client_secret=platform.client_secret,
    )  # fmt: skip
    placements = platform.url("placements")  # straight to the service, so each connection is a fresh one
    placements_workers = {process.pid for process in worker_processes(platform, "placements")}

    def counted(exposition: str) -> float:
        labels = {"route": "/v1/placements/councils", "method": "GET", "status": "200"}
        return metric(exposition, "futuresocial_http_requests_total", **labels)

    before = counted(metrics_of(placements))
    served, made = set(), 0
    while served != placements_workers and made < 40 or made < 4:
        answer, pid = on_a_fresh_connection(placements, "GET", "/v1/placements/councils", headers=headers)
        assert answer.status_code == 200, answer.text
        served.add(pid)
        made += 1
    assert served == placements_workers, "one placements process served every request; nothing was shown"

    scraped_by, totals = set(), set()
    for _ in range(40):
        answer, pid = on_a_fresh_connection(placements, "GET", "/metrics")
        scraped_by.add(pid)
        totals.add(counted(answer.text))
        if scraped_by == placements_workers:
            break
    assert scraped_by == placements_workers
    assert totals == {before + made}
    pool = metric(metrics_of(placements), "futuresocial_db_pool_size_connections")
    assert pool > 0 and pool % WORKERS == 0  # every process's pool, added up


def test_the_scheduled_extracts_are_produced_exactly_once_by_two_analytics_processes(platform: Platform) -> None:
    due = scheduled_extracts_due(platform)
    assert len(due) == 15
    send_returns(platform, int(platform.env["FUTURESOCIAL_EXTRACT_FIRST_YEAR"]))
    # what can be produced: the returns of the councils that sent theirs, and the region's summary (every
    # council with records of a year has records of the next, to the one in progress); the others wait
    due = {(kind, period, council) for kind, period, council in due if kind == "retention" or council in SENT}
    engine = create_engine(platform.env["FUTURESOCIAL_DATABASE_URL"])
    query = text("SELECT kind, period, council, status, requested_by FROM extract_run WHERE trigger = 'schedule'")
    deadline = time.monotonic() + 120
    try:
        while True:
            with engine.connect() as connection:
                extracts = connection.execute(query).all()
            if due <= {(kind, period, council) for kind, period, council, *_ in extracts}:
                break
            assert time.monotonic() < deadline, f"{len(extracts)} of {len(due)} scheduled extracts\n{platform.output()}"
            time.sleep(1)
        time.sleep(6)  # another tick of each scheduler (every 5 s): a second run would show now
        with engine.connect() as connection:
            extracts = connection.execute(query).all()
    finally:
        engine.dispose()
    produced = collections.Counter((kind, period, council) for kind, period, council, *_ in extracts)
    assert set(produced) == due
    assert [key for key, count in produced.items() if count != 1] == []
    assert {status for *_, status, _by in extracts} == {"succeeded"}
    analytics = {process.pid for process in worker_processes(platform, "analytics")}
    instances = {int(by.rsplit(":", 1)[1]) for *_, by in extracts}
    assert instances <= analytics
    with engine.connect() as connection:  # a claim being asked again at this moment is running, still waiting_for
        claims = connection.execute(text("SELECT job, waiting_for, extract_id FROM scheduled_run")).all()
    waiting = {job: (reason, extract) for job, reason, extract in claims if job.split(":")[1] not in (*SENT, "region")}
    assert len(waiting) == len(ACADEMY_MEMBERS) - len(SENT)
    assert all(reason.startswith("no return for ") and extract is None for reason, extract in waiting.values()), waiting
    print(f"{len(extracts)} scheduled extracts, produced by analytics processes {sorted(instances)}")


@pytest.mark.parametrize("how", ["--workers", "FUTURESOCIAL_WORKERS"])
def test_up_with_several_workers_refuses_rate_limits_counted_in_each_process(tmp_path, how: str) -> None:
    ports = dict(zip(("GATEWAY", "CAREERS", "PLACEMENTS", "RETURNERS", "ANALYTICS"), free_ports(5), strict=True))
    environment = {name: value for name, value in os.environ.items() if not name.startswith("FUTURESOCIAL_")}
    environment |= {
        "FUTURESOCIAL_DATABASE_URL": f"sqlite:///{tmp_path / 'futuresocial.db'}",
        "FUTURESOCIAL_KEYS_DIR": str(tmp_path / "keys"),
        "FUTURESOCIAL_HOST": HOST,
        **{f"FUTURESOCIAL_{app}_PORT": str(port) for app, port in ports.items()},
    }
    arguments = ["--workers", "2"] if how == "--workers" else []
    if how == "FUTURESOCIAL_WORKERS":
        environment["FUTURESOCIAL_WORKERS"] = "2"
    result = subprocess.run(
        [str(BIN / "futuresocial"), "up", "--no-demo", *arguments],
        env=environment, cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "FUTURESOCIAL_RATE_LIMIT_STORAGE_URL=redis://127.0.0.1:6379/0" in result.stderr
    assert not any(is_listening(port) for port in ports.values())
