"""The extract schedule: which job and period is due, and running each exactly once.

Any number of analytics instances may tick at once. A claim row with a unique (job, period) key is
inserted before a run, and only one insert can win; a claim whose run died is taken over after a
timeout, and a failed run is retried with backoff. Each step is a plain function of the session and
a clock, so tests drive it with fixed times.
"""

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import httpx
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from services.analytics.extracts import Period, produce
from services.analytics.metrics import CLAIMS
from services.analytics.models import ScheduledRun
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

    New: the insert is the lock (unique job and period). Died (running past the takeover timeout)
    or failed (retry due): a conditional update that only one instance can win.
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
    died = existing.status == "running" and _aware(existing.heartbeat_at) < now - timedelta(
        seconds=settings.extract_takeover_seconds
    )
    retry_due = (
        existing.status == "failed"
        and existing.attempts < settings.extract_max_attempts
        and existing.next_attempt_at is not None
        and _aware(existing.next_attempt_at) <= now
    )
    if not (died or retry_due):
        return None
    taken = session.execute(
        update(table)
        .where(
            table.c.id == existing.id,
            table.c.status == existing.status,
            table.c.heartbeat_at == existing.heartbeat_at,
        )  # fmt: skip
        .values(status="running", claimed_by=instance, heartbeat_at=now, attempts=existing.attempts + 1)
    )
    run = session.get(ScheduledRun, existing.id) if taken.rowcount == 1 else None
    session.commit()
    return run


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite forgets the zone


def run_claimed(session: Session, run: ScheduledRun, job: Job, period: Period, placements: httpx.Client,
                now: datetime) -> ScheduledRun:  # fmt: skip
    """Produce the extract for a claim this instance holds, and record how it went."""
    settings = get_settings()
    try:
        extract = produce(
            session, placements, kind=job.kind, period=period, council=job.council, trigger="schedule",
            requested_by=f"scheduler:{run.claimed_by}",
        )  # fmt: skip
        run.extract_id = extract.id
        run.status = "failed" if extract.status == "failed" else "succeeded"
        run.last_error = extract.errors[:500] if extract.errors else None
    except Exception as exc:  # noqa: BLE001 - placements down, a bug, anything: retried with backoff
        session.rollback()
        run = session.get(ScheduledRun, run.id)
        run.status, run.last_error = "failed", f"{type(exc).__name__}: {exc}"[:500]
        log.warning("extract run failed", extra={"principal": run.job})
    if run.status == "failed":
        run.next_attempt_at = now + backoff(run.attempts, settings)
    session.add(run)
    session.commit()
    return run


def tick(
    new_session: Callable[[], Session], placements: httpx.Client, now: datetime, instance: str
) -> list[ScheduledRun]:
    """One pass of the schedule: claim and run whatever is due and not yet done (missed periods
    included: a period missed while the service was down is simply still due)."""
    settings, done = get_settings(), []
    for job in scheduled_jobs():
        for period in due_periods(job, now, settings):
            with new_session() as session:
                run = claim(session, job, period, instance, now)
                if run is not None:
                    CLAIMS.labels(job.kind).inc()
                    done.append(run_claimed(session, run, job, period, placements, now))
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
                    tick(self.new_session, placements, datetime.now(UTC), instance_name(settings))
                self.deliver(datetime.now(UTC))
            except Exception:  # noqa: BLE001 - the next tick tries again
                log.exception("scheduler tick failed")
            self.stopping.wait(settings.scheduler_interval_seconds)
