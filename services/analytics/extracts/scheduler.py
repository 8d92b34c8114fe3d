"""The extract schedule: which job and period is due, and running each exactly once.

Any number of analytics instances may tick at once. A claim row with a unique (job, period) key is
inserted before a run, and only one insert can win; a running claim's heartbeat is refreshed while it
works, and only a claim whose heartbeat stopped (its instance died) is taken over, after a timeout.
A period whose returns are not in waits, with the reason on its claim, and is asked again each tick;
a failed run is retried with backoff. Each step is a plain function of the session and a clock, so
tests drive it with fixed times.
"""

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import httpx
from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from services.analytics.extracts.metrics import CLAIMS
from services.analytics.extracts.models import ScheduledRun
from services.analytics.extracts.service import NotReady, Period, produce
from services.common import clock
from services.common.reference import ACADEMY_MEMBERS
from services.common.settings import Settings, get_settings

log = logging.getLogger("futuresocial.scheduler")
MAX_BACKOFF = timedelta(days=1)


@dataclass(frozen=True)
class Job:
    kind: str
    council: str | None

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.council or 'region'}"


def scheduled_jobs() -> list[Job]:
    return [Job("csww", council) for council in sorted(ACADEMY_MEMBERS)] + [Job("retention", None)]


def due_periods(job: Job, now: datetime, settings: Settings) -> Iterator[Period]:
    """Every period of this job due by `now`, oldest first, from the configured first one."""
    today = now.date()
    if job.kind == "csww":
        month, day = (int(part) for part in settings.extract_csww_due.split("-"))
        year = settings.extract_first_year
        while date(year, month, day) <= today:
            yield Period.census(year)
            year += 1
    else:  # the 12 months to the end of each month, due once the month is over
        year, month = (int(part) for part in settings.extract_first_month.split("-"))
        while date(year, month, 1) < today.replace(day=1):
            yield Period.month(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def backoff(attempts: int, settings: Settings) -> timedelta:
    return min(timedelta(seconds=settings.extract_retry_base_seconds * 2 ** (attempts - 1)), MAX_BACKOFF)


def claim(session: Session, job: Job, period: Period, instance: str, now: datetime) -> ScheduledRun | None:
    """Take this job and period for `instance`, or None if another instance has it or it is done.

    New: the insert is the lock (unique job and period). Waiting for its returns (asked again each
    tick), died (its heartbeat older than the takeover timeout) or failed (retry due): a conditional
    update that only one instance can win.
    """
    settings = get_settings()
    table = ScheduledRun.__table__
    # Insert first, reading nothing before it: a transaction that reads and then writes can lose
    # its snapshot on SQLite when the other instance wrote in between.
    try:
        run = ScheduledRun(
            job=job.name,
            period=period.key,
            status="running",
            claimed_by=instance,
            claimed_at=now,
            heartbeat_at=now,
        )
        session.add(run)
        session.commit()
        return run
    except IntegrityError:
        session.rollback()
    existing = session.execute(select(table).where(table.c.job == job.name, table.c.period == period.key)).first()
    session.commit()
    if existing is None:
        return None
    waiting = existing.status == "waiting"
    died = existing.status == "running" and _aware(existing.heartbeat_at) < now - timedelta(
        seconds=settings.extract_takeover_seconds
    )
    retry_due = (
        existing.status == "failed"
        and existing.attempts < settings.extract_max_attempts
        and existing.next_attempt_at is not None
        and _aware(existing.next_attempt_at) <= now
    )
    if not (waiting or died or retry_due):
        return None
    taken = session.execute(
        update(table)
        .where(
            table.c.id == existing.id,
            table.c.status == existing.status,
            table.c.heartbeat_at == existing.heartbeat_at,
        )  # fmt: skip
        .values(
            status="running",
            claimed_by=instance,
            claimed_at=now,
            heartbeat_at=now,
            attempts=existing.attempts + (0 if waiting else 1),  # waiting for a return is not a failed attempt
        )  # fmt: skip
    )
    run = session.get(ScheduledRun, existing.id) if taken.rowcount == 1 else None
    session.commit()
    return run


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite forgets the zone


@dataclass(frozen=True)
class Held:
    """A claim as this instance took it: still its own while the row says so."""

    run_id: uuid.UUID
    instance: str
    attempts: int

    @classmethod
    def of(cls, run: ScheduledRun) -> "Held":
        return cls(run.id, run.claimed_by, run.attempts)

    def condition(self):
        table = ScheduledRun.__table__
        return and_(
            table.c.id == self.run_id,
            table.c.status == "running",
            table.c.claimed_by == self.instance,
            table.c.attempts == self.attempts,
        )


@contextmanager
def heartbeat(new_session: Callable[[], Session], held: Held, clock: Callable[[], datetime]) -> Iterator[None]:
    """While the body runs, say every few seconds that this instance still holds the claim, so that no other
    instance takes over a run that is only slow."""
    every, stopping = get_settings().extract_heartbeat_seconds, threading.Event()

    def beat() -> None:
        while not stopping.wait(every):
            try:
                with new_session() as session:
                    session.execute(update(ScheduledRun.__table__).where(held.condition()).values(heartbeat_at=clock()))
                    session.commit()
            except Exception:  # noqa: BLE001 - a missed beat is retried at the next one
                log.warning("scheduler heartbeat failed", extra={"principal": held.instance})

    beating = threading.Thread(target=beat, name=f"extract-heartbeat-{held.run_id}", daemon=True)
    beating.start()
    try:
        yield
    finally:
        # Not joined: on SQLite a beat under way waits for the write lock this instance holds while it writes
        # the extract, so waiting for the beat would hold the lock until the beat gave up (a second instance
        # asking to claim meanwhile failed: "database is locked"). A late beat changes nothing: the run is
        # no longer "running" once this instance records how it went.
        stopping.set()


def run_claimed(session: Session, run: ScheduledRun, job: Job, period: Period, placements: httpx.Client,
                clock: Callable[[], datetime], new_session: Callable[[], Session]) -> ScheduledRun:  # fmt: skip
    """Produce the extract for a claim this instance holds, and record how it went: in one transaction with
    the extract, and only while the claim is still this instance's (else nothing is kept)."""
    settings, held, name = get_settings(), Held.of(run), run.job
    outcome: dict[str, object] = {"waiting_for": None, "last_error": None, "next_attempt_at": None}
    try:
        with heartbeat(new_session, held, clock):
            extract = produce(
                session, placements, kind=job.kind, period=period, council=job.council, trigger="schedule",
                requested_by=f"scheduler:{held.instance}",
            )  # fmt: skip
        outcome.update(status=extract.status, extract_id=extract.id, last_error=(extract.errors or "")[:500] or None)
    except NotReady as reason:  # the returns are not in: nothing is produced; asked again at the next tick
        session.rollback()
        outcome.update(status="waiting", waiting_for=str(reason)[:500])
    except Exception as exc:  # noqa: BLE001 - placements down, a bug, anything: retried with backoff
        session.rollback()
        outcome.update(status="failed", last_error=f"{type(exc).__name__}: {exc}"[:500])
        log.warning("extract run failed", extra={"principal": name})
    if outcome["status"] == "failed":
        outcome["next_attempt_at"] = clock() + backoff(held.attempts, settings)
    finished = session.execute(update(ScheduledRun.__table__).where(held.condition()).values(**outcome))
    if finished.rowcount != 1:  # taken over meanwhile: the instance holding it now produces the extract
        session.rollback()
        log.warning("extract run lost its claim", extra={"principal": name})
    session.commit()
    return session.get(ScheduledRun, held.run_id, populate_existing=True)


def tick(
    new_session: Callable[[], Session], placements: httpx.Client, clock: Callable[[], datetime], instance: str
) -> list[ScheduledRun]:
    """One pass of the schedule: claim and run whatever is due and not yet done (missed periods
    included: a period missed while the service was down is simply still due). Each claim is made at
    the time of its own claiming, not the tick's start."""
    settings, done = get_settings(), []
    for job in scheduled_jobs():
        for period in due_periods(job, clock(), settings):
            with new_session() as session:
                run = claim(session, job, period, instance, clock())
                if run is not None:
                    CLAIMS.labels(job.kind).inc()
                    done.append(run_claimed(session, run, job, period, placements, clock, new_session))
    return done


def instance_name(settings: Settings) -> str:
    return settings.scheduler_instance or f"{socket.gethostname()}:{os.getpid()}"


class SchedulerThread(threading.Thread):
    """Ticks in the background of an analytics process until stopped."""

    def __init__(self, new_session: Callable[[], Session], placements: Callable[[], httpx.Client],
                 deliver: Callable[[datetime], None]):  # fmt: skip
        super().__init__(name="extract-scheduler", daemon=True)
        self.new_session, self.placements, self.deliver = new_session, placements, deliver
        self.stopping = threading.Event()

    def run(self) -> None:
        settings = get_settings()
        if self.stopping.wait(settings.scheduler_start_delay_seconds):
            return
        while not self.stopping.is_set():
            try:
                with self.placements() as placements:
                    tick(self.new_session, placements, clock.now, instance_name(settings))
                self.deliver(clock.now())
            except Exception:  # noqa: BLE001 - the next tick tries again
                log.exception("scheduler tick failed")
            self.stopping.wait(settings.scheduler_interval_seconds)
