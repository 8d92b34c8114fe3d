"""The supervisor behind `futuresocial up`: how long it waits before restarting a process that died, and
that it restarts only that process and stops everything, even with a restart pending."""

import os
import signal
import subprocess
import sys
import time

import pytest

from futuresocial.runner import APPS, Backoff, Supervisor, app_environment, how_it_ended, metrics_folders


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_restarts_wait_twice_as_long_after_each_death_up_to_the_longest_wait() -> None:
    clock = Clock()
    backoff = Backoff(first=0.5, longest=30, stable_after=60, clock=clock)
    delays = []
    for _ in range(9):
        backoff.started()
        clock.now += 2  # dies two seconds after each start: a crash loop
        delays.append(backoff.delay_after_death())
    assert delays == [0.5, 1, 2, 4, 8, 16, 30, 30, 30]


def test_a_process_that_stayed_up_a_while_is_restarted_quickly_again() -> None:
    clock = Clock()
    backoff = Backoff(first=0.5, longest=30, stable_after=60, clock=clock)
    for _ in range(5):
        backoff.started()
        clock.now += 1
        backoff.delay_after_death()
    backoff.started()
    clock.now += 59
    assert backoff.delay_after_death() == 16  # 59 s is not yet "a while"
    backoff.started()
    clock.now += 60
    assert backoff.delay_after_death() == 0.5


def test_the_log_says_how_a_process_ended() -> None:
    assert how_it_ended(-signal.SIGKILL) == "was killed by SIGKILL"
    assert how_it_ended(3) == "exited with code 3"


def _sleeper(name: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], process_group=0)


def _wait_until(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def supervisor():
    supervisor = Supervisor(_sleeper, ("careers", "placements"), backoff=lambda: Backoff(first=0.2, longest=1))
    supervisor.start_all()
    yield supervisor
    supervisor.stop(grace=2)


def test_only_the_process_that_died_is_restarted_and_the_log_says_so(
    supervisor: Supervisor, capsys: pytest.CaptureFixture[str]
) -> None:
    careers, placements = supervisor.processes["careers"], supervisor.processes["placements"]
    placements.kill()
    placements.wait()
    supervisor.check()
    assert "placements" not in supervisor.processes  # waiting out its backoff
    _wait_until(lambda: (supervisor.check(), "placements" in supervisor.processes)[1])

    assert supervisor.processes["placements"].pid != placements.pid
    assert supervisor.processes["placements"].poll() is None
    assert supervisor.processes["careers"] is careers and careers.poll() is None
    log = capsys.readouterr().err
    assert f"placements (pid {placements.pid}) was killed by SIGKILL; restarting it in 0.2 s." in log
    assert f"placements restarted (pid {supervisor.processes['placements'].pid})." in log
    assert "careers" not in log


def test_stopping_with_a_restart_pending_leaves_no_process_and_starts_none(supervisor: Supervisor) -> None:
    careers, placements = supervisor.processes["careers"], supervisor.processes["placements"]
    placements.kill()
    placements.wait()
    supervisor.check()
    supervisor.stop(grace=2)
    time.sleep(0.3)  # past the backoff: a restart would have happened by now
    supervisor.check()
    assert supervisor.processes == {}
    assert careers.poll() == -signal.SIGTERM


def test_a_restart_kills_what_was_left_of_the_dead_process_group() -> None:
    """A uvicorn manager killed with SIGKILL leaves its workers holding the port; they go before the restart."""
    orphans = []

    def manager_with_a_worker(name: str) -> subprocess.Popen:
        manager = subprocess.Popen(
            [sys.executable, "-c", "import subprocess, sys, time; "
             "print(subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']).pid, flush=True); "
             "time.sleep(60)"],
            stdout=subprocess.PIPE, text=True, process_group=0,
        )  # fmt: skip
        orphans.append(int(manager.stdout.readline()))
        return manager

    supervisor = Supervisor(manager_with_a_worker, ("analytics",), backoff=lambda: Backoff(first=0.1))
    supervisor.start_all()
    try:
        supervisor.processes["analytics"].kill()
        supervisor.processes["analytics"].wait()
        os.kill(orphans[0], 0)  # still alive after its manager died
        supervisor.check()
        _wait_until(lambda: not _alive(orphans[0]))
    finally:
        supervisor.stop(grace=2)
    assert not any(_alive(pid) for pid in orphans)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a killed orphan stays a zombie until init reaps it, and a zombie still answers kill(0)
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_with_several_workers_each_app_keeps_its_metrics_in_a_folder_of_its_own_removed_at_the_end(
    monkeypatch,
) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "/somewhere/shared")
    with metrics_folders(workers=2) as root:
        folders = {name: app_environment(name, 2, root)["PROMETHEUS_MULTIPROC_DIR"] for name in APPS}
        assert len(set(folders.values())) == len(APPS)  # the gateway never adds up the services' requests
        assert all(os.path.isdir(folder) for folder in folders.values())
    assert not any(os.path.exists(folder) for folder in folders.values())


def test_with_one_worker_each_process_keeps_its_own_metrics_in_memory(monkeypatch) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "/somewhere/shared")
    with metrics_folders(workers=1) as root:
        assert "PROMETHEUS_MULTIPROC_DIR" not in app_environment("gateway", 1, root)


def test_up_with_a_redis_store_but_no_redis_package_says_which_extra_to_install(monkeypatch, capsys) -> None:
    import importlib.util

    import typer

    from futuresocial import cli

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "redis" else real_find_spec(name))
    with pytest.raises(typer.Exit) as refused:
        cli._refuse_per_process_rate_limits(2, "redis://127.0.0.1:6379/0")
    assert refused.value.exit_code == 2
    assert "futuresocial[redis]" in capsys.readouterr().err
