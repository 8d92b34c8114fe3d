"""The journeys real users make across the services, driven through the gateway over HTTP and nothing else:
each function is one user's journey on their own data and returns every answer it saw (status and time),
so a test can run many at once and judge them, and the load benchmark can repeat them for a while.

A journey stops at the first answer it cannot go on from (a 5xx, no answer within the bound, or a status
the step does not expect); what it saw up to there is kept, with the body of the answer that stopped it.
Every request carries its own X-Request-ID, so a failed answer can be found in the processes' logs.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import random
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

import httpx

REQUEST_TIMEOUT = 30.0  # seconds: a request unanswered by then counts as a hang, never a wait
COUNCIL = "330"  # Birmingham: the council of the platform's council HR client
HOST_COUNCILS = ("330", "331", "332")  # Birmingham, Coventry, Dudley host returners' supervised practice
SETUP_ATTEMPTS = 8  # setting up retries a 5xx: the set-up is not what the tests judge

CAREERS, PLACEMENTS, RETURNERS, ANALYTICS = "/v1/careers", "/v1/placements", "/v1/returners", "/v1/analytics"


# --- What a journey saw ------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One request: the step (method and route, ids left out), the status (None: no answer in time), the
    seconds it took, and for an answer that stopped the journey its body (or the transport error)."""

    step: str
    status: int | None
    seconds: float
    request_id: str
    expected: bool = True
    detail: str = ""

    @property
    def server_error(self) -> bool:
        return self.status is not None and self.status >= 500

    @property
    def unanswered(self) -> bool:
        return self.status is None

    def __str__(self) -> str:
        shown = "no answer" if self.unanswered else str(self.status)
        return f"{self.step} -> {shown} in {self.seconds:.2f} s [{self.request_id}] {self.detail}".rstrip()


@dataclass
class Journey:
    """One user's journey: every answer it saw, and what it made or read (its facts) for the checks."""

    name: str
    who: str
    answers: list[Answer] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    finished: bool = False

    @property
    def stopped_by(self) -> Answer | None:
        return next((answer for answer in self.answers if not answer.expected), None)

    def __str__(self) -> str:
        state = "finished" if self.finished else f"stopped at {self.stopped_by or 'the deadline'}"
        return f"{self.name} ({self.who}): {len(self.answers)} request(s), {state}"


class Stop(Exception):
    """The journey cannot go on: the answer it got, or the end of a timed run."""


class Caller:
    """One client of the gateway with one principal's token, recording each request into a journey.

    `deadline` (time.monotonic) ends a timed run: no request starts after it."""

    def __init__(
        self,
        base_url: str,
        headers: dict[str, str],
        who: str,
        timeout: float = REQUEST_TIMEOUT,
        deadline: float | None = None,
    ):
        self.who = who
        self.deadline = deadline
        self.http = httpx.Client(base_url=base_url, headers=headers, timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Caller:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def call(
        self,
        journey: Journey,
        method: str,
        path: str,
        route: str | None = None,
        expect: Iterable[int] = (200,),
        **kwargs: Any,
    ) -> httpx.Response:
        """The response when its status is one of `expect`; otherwise the journey stops (Stop)."""
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise Stop("the run is over")
        step = f"{method} {route or path}"
        request_id = f"e2e-{journey.name}-{uuid.uuid4().hex[:12]}"
        headers = {"X-Request-ID": request_id, **kwargs.pop("headers", {})}
        started = time.perf_counter()
        try:
            response = self.http.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            answer = Answer(step, None, time.perf_counter() - started, request_id, False, repr(exc))
            journey.answers.append(answer)
            raise Stop(str(answer)) from exc
        seconds = time.perf_counter() - started
        if response.status_code in tuple(expect):
            journey.answers.append(Answer(step, response.status_code, seconds, request_id))
            return response
        answer = Answer(step, response.status_code, seconds, request_id, False, response.text[:500])
        journey.answers.append(answer)
        raise Stop(str(answer))


@contextlib.contextmanager
def journey_of(name: str, caller: Caller) -> Iterator[Journey]:
    """A journey that is finished when its block ends, and stopped (not raised) by Stop."""
    journey = Journey(name, caller.who)
    try:
        yield journey
        journey.finished = True
    except Stop:
        pass


def server_errors(journeys: Iterable[Journey]) -> list[Answer]:
    return [answer for journey in journeys for answer in journey.answers if answer.server_error]


def unanswered(journeys: Iterable[Journey]) -> list[Answer]:
    return [answer for journey in journeys for answer in journey.answers if answer.unanswered]


def unexpected(journeys: Iterable[Journey]) -> list[Answer]:
    """Answers a journey could not go on from that are neither 5xx nor missing (a 4xx the step did not expect)."""
    return [
        answer
        for journey in journeys
        for answer in journey.answers
        if not answer.expected and not answer.server_error and not answer.unanswered
    ]


# --- Numbers no two clients share --------------------------------------------------------------

_numbers = itertools.count(1)
_numbers_lock = threading.Lock()


def next_number() -> int:
    with _numbers_lock:
        return next(_numbers)


def new_swe(series: int) -> str:
    """A fresh SWE number (ten digits) of one series: 61 social workers, 62 HR's starters, 63 returners; the
    demo workforce's are SW9000000001 up, so the two never meet."""
    return f"SW{series}{next_number():08d}"


# --- The social worker's own screens -----------------------------------------------------------


def my_career(caller: Caller, swe_number: str) -> Journey:
    """A social worker opens their career record (level, experience from placements) and their next step."""
    with journey_of("my-career", caller) as journey:
        record = caller.call(journey, "GET", f"{CAREERS}/me").json()
        journey.facts["record_swe_number"] = record["swe_number"]
        journey.facts["level"] = (record["level"] or {}).get("code")
        journey.facts["councils_in_post"] = record["experience"]["councils_in_post"]
        step = caller.call(journey, "GET", f"{CAREERS}/me/next-step").json()
        journey.facts["next_step_swe_number"] = step["swe_number"]
        journey.facts["next_levels"] = [option["level"]["code"] for option in step["options"]]
    journey.facts.setdefault("swe_number", swe_number)
    return journey


def logging_cpd(caller: Caller, swe_number: str, records: int = 2) -> Journey:
    """A social worker logs CPD (one with peer reflection, as SWE asks each year), reads each record back,
    corrects one, and opens their CPD log."""
    today = date.today()
    with journey_of("logging-cpd", caller) as journey:
        journey.facts["swe_number"] = swe_number
        written: list[str] = journey.facts.setdefault("cpd_ids", [])
        for number in range(records):
            body = {
                "activity_on": str(today),
                "hours": "3.5",
                "kind": "peer_learning" if number == 0 else "course",
                "title": f"Learning {uuid.uuid4().hex[:8]}",
                "peer_reflection": number == 0,
                "peer_name": "Pat Peer" if number == 0 else None,
                "pcf_domains": ["knowledge", "critical_reflection_and_analysis"],
            }
            created = caller.call(
                journey,
                "POST",
                f"{CAREERS}/me/cpd",
                expect=(201,),
                json=body,
                headers={"Idempotency-Key": str(uuid.uuid4())},
            ).json()
            written.append(created["id"])
        for cpd_id in written:
            caller.call(journey, "GET", f"{CAREERS}/me/cpd/{cpd_id}", route=f"{CAREERS}/me/cpd/{{id}}")
        caller.call(
            journey,
            "PATCH",
            f"{CAREERS}/me/cpd/{written[-1]}",
            route=f"{CAREERS}/me/cpd/{{id}}",
            json={"reflection": "What I will do differently."},
        )
        log = caller.call(journey, "GET", f"{CAREERS}/me/cpd", params={"limit": 500}).json()
        journey.facts["listed_ids"] = [item["id"] for item in log["items"]]
    return journey


OPEN_APPLICATION = ("draft", "submitted", "returned", "endorsed")


def applying_to_progress(
    caller: Caller, swe_number: str, level: str, evidence_kinds: Sequence[str], withdraw: bool = False
) -> Journey:
    """A social worker adds evidence of each kind the next level needs, starts a progression application
    for it, submits it with the evidence and reads it back; `withdraw` takes it back afterwards, so the
    same worker can apply again (the load benchmark repeats journeys), and first withdraws any application
    an earlier round left open."""
    with journey_of("applying-to-progress", caller) as journey:
        journey.facts["swe_number"] = swe_number
        if withdraw:  # a repeated journey: one an earlier round left open (it was cut short) is withdrawn first
            mine = caller.call(journey, "GET", f"{CAREERS}/me/applications", params={"limit": 500}).json()
            for left in [item for item in mine["items"] if item["state"] in OPEN_APPLICATION]:
                caller.call(
                    journey,
                    "POST",
                    f"{CAREERS}/applications/{left['id']}/withdraw",
                    route=f"{CAREERS}/applications/{{id}}/withdraw",
                    json={},
                )
        evidence = []
        for kind in evidence_kinds:
            body = {"kind": kind, "title": f"{kind} {uuid.uuid4().hex[:6]}", "dated_on": str(date.today())}
            evidence.append(caller.call(journey, "POST", f"{CAREERS}/me/evidence", expect=(201,), json=body).json())
        draft = caller.call(
            journey,
            "POST",
            f"{CAREERS}/me/applications",
            expect=(201,),
            json={"level": level, "statement": "Ready for the panel."},
        ).json()
        journey.facts["application_id"] = application_id = draft["id"]
        url = f"{CAREERS}/applications/{application_id}"
        submitted = caller.call(
            journey,
            "POST",
            f"{url}/submit",
            route=f"{CAREERS}/applications/{{id}}/submit",
            json={"evidence_ids": [item["id"] for item in evidence], "note": "Submitted for the panel."},
        ).json()
        journey.facts["submitted_state"] = submitted["state"]
        read = caller.call(journey, "GET", url, route=f"{CAREERS}/applications/{{id}}").json()
        journey.facts["state"] = read["state"]
        journey.facts["application_swe_number"] = read["swe_number"]
        journey.facts["evidence_kinds"] = sorted(item["kind"] for item in read["evidence"])
        journey.facts["council"] = read["council"]
        if withdraw:
            withdrawn = caller.call(
                journey, "POST", f"{url}/withdraw", route=f"{CAREERS}/applications/{{id}}/withdraw", json={}
            ).json()
            journey.facts["state"] = withdrawn["state"]
    return journey


def social_worker_day(
    caller: Caller, swe_number: str, level: str, evidence_kinds: Sequence[str], withdraw: bool = False
) -> list[Journey]:
    """A social worker's session on the career pathway: their record and next step, CPD, then applying."""
    return [
        my_career(caller, swe_number),
        logging_cpd(caller, swe_number),
        applying_to_progress(caller, swe_number, level, evidence_kinds, withdraw),
    ]


# --- Academy staff -----------------------------------------------------------------------------


def reading_a_workers_career(caller: Caller, swe_number: str, year: int) -> Journey:
    """An academy admin reads one worker's career record, then the region's workforce analytics."""
    with journey_of("reading-a-career", caller) as journey:
        journey.facts["swe_number"] = swe_number
        record = caller.call(
            journey, "GET", f"{CAREERS}/workers/{swe_number}", route=f"{CAREERS}/workers/{{swe}}"
        ).json()
        journey.facts["record_swe_number"] = record["swe_number"]
        journey.facts["councils_in_post"] = record["experience"]["councils_in_post"]
        report = caller.call(journey, "GET", f"{ANALYTICS}/workforce", params={"census_year": year}).json()
        journey.facts["areas"] = len(report["areas"])
    return journey


SUPERVISOR = {
    "supervisor_name": "Sam Supervisor",
    "supervisor_regulator": "SWE",
    "supervisor_registration_number": "SW5555",
    "supervisor_years_registered": "6",
    "supervisor_fitness_to_practise_sanction": False,
}
FUNNEL_TO_HOST = ("shortlist", "assess", "offer", "start_checks")
HOST_TO_RESTORED = ("start_training", "start_supervised_practice")
UPDATING_TO_RESTORED = ("apply_for_restoration", "restore")


def returner_into_employment(
    caller: Caller, cohort_id: str, host_council: str, swe_number: str, employer: str = COUNCIL
) -> Journey:
    """Academy staff take a returner from enquiry to employment: the application (4 years away, so 30
    days of updating), the funnel to an offer and checks, a host council for supervised practice, the
    updating logged, restoration, and the hand-over to employment, where returners asks placements to
    record the worker and the spell. Then placements is asked what it holds for them."""
    today = date.today()
    with journey_of("returner-into-employment", caller) as journey:
        journey.facts["swe_number"] = swe_number
        applicant = caller.call(
            journey,
            "POST",
            f"{RETURNERS}/applicants",
            expect=(201,),
            json={
                "name": "Robin Returner",
                "email": f"returner-{uuid.uuid4().hex[:12]}@example.org",
                "region": "West Midlands",
            },
        ).json()
        journey.facts["applicant_id"] = applicant_id = applicant["id"]
        url = f"{RETURNERS}/applicants/{applicant_id}"
        left = today - timedelta(days=4 * 365)
        applied = caller.call(
            journey,
            "POST",
            f"{url}/application",
            route=f"{RETURNERS}/applicants/{{id}}/application",
            json={
                "cohort_id": cohort_id,
                "registration_number": swe_number,
                "date_last_practised": str(left - timedelta(days=30)),
                "date_left_register": str(left),
                "years_statutory_practice": "3",
            },
        ).json()
        eligibility = applied["eligibility"] or {}
        journey.facts["eligible"] = eligibility.get("eligible")
        hours = eligibility.get("updating_hours_required") or "0"

        def move(action: str) -> dict:
            return caller.call(
                journey,
                "POST",
                f"{url}/transitions",
                route=f"{RETURNERS}/applicants/{{id}}/transitions ({action})",
                json={"action": action},
            ).json()

        for action in FUNNEL_TO_HOST:
            move(action)
        caller.call(
            journey,
            "POST",
            f"{url}/host-placement",
            route=f"{RETURNERS}/applicants/{{id}}/host-placement",
            expect=(201,),
            json={"council": host_council},
        )
        for action in HOST_TO_RESTORED:
            move(action)
        if float(hours):
            caller.call(
                journey,
                "POST",
                f"{url}/updating-activities",
                route=f"{RETURNERS}/applicants/{{id}}/updating-activities",
                expect=(201,),
                json={
                    "kind": "supervised_practice",
                    "started_on": str(today - timedelta(days=60)),
                    "ended_on": str(today),
                    "hours": hours,
                    "description": "Supervised practice with the host council",
                    **SUPERVISOR,
                },
            )
        for action in UPDATING_TO_RESTORED:
            move(action)
        employed = caller.call(
            journey,
            "POST",
            f"{url}/employment",
            route=f"{RETURNERS}/applicants/{{id}}/employment",
            json={"council": employer, "start_date": str(today), "agency": False, "fte": "1", "org_role": 5},
        ).json()
        journey.facts["stage"] = employed["stage"]
        employment = employed["employment"] or {}
        journey.facts["placements_worker_id"] = worker_id = employment.get("placements_worker_id")
        journey.facts["placements_employment_id"] = employment.get("placements_employment_id")
        worker = caller.call(
            journey, "GET", f"{PLACEMENTS}/workers/{worker_id}", route=f"{PLACEMENTS}/workers/{{id}}"
        ).json()
        journey.facts["placements_swe_number"] = worker["swe_number"]
        spells = caller.call(
            journey, "GET", f"{PLACEMENTS}/employments", params={"worker_id": worker_id, "limit": 500}
        ).json()
        journey.facts["spells"] = [(item["id"], item["council"], item["start_date"]) for item in spells["items"]]
    return journey


# --- Council HR systems ------------------------------------------------------------------------


def recording_starters_and_changes(caller: Caller, council: str = COUNCIL) -> Journey:
    """A council HR system records a starter (the worker, then their spell, each with an Idempotency-Key),
    sends the same spell again as a retry would (the first answer comes back), then changes the worker
    and the spell with If-Match on the ETags it was given."""
    today = date.today()
    with journey_of("hr-starters-and-changes", caller) as journey:
        swe_number = new_swe(62)
        journey.facts["swe_number"] = swe_number
        created = caller.call(
            journey,
            "POST",
            f"{PLACEMENTS}/workers",
            expect=(201,),
            json={"swe_number": swe_number, "gender": 2, "qual_level": 2},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        worker_id = created.json()["id"]
        journey.facts["worker_id"] = worker_id
        spell = {
            "worker_id": worker_id,
            "council": council,
            "start_date": str(today - timedelta(days=random.randrange(0, 60))),
            "agency": False,
            "org_role": 5,
            "fte": "1",
        }
        key = str(uuid.uuid4())
        started = caller.call(
            journey, "POST", f"{PLACEMENTS}/employments", expect=(201,), json=spell, headers={"Idempotency-Key": key}
        )
        journey.facts["employment_id"] = employment_id = started.json()["id"]
        replayed = caller.call(
            journey, "POST", f"{PLACEMENTS}/employments", expect=(201,), json=spell, headers={"Idempotency-Key": key}
        )
        journey.facts["replayed_id"] = replayed.json()["id"]
        journey.facts["replayed"] = replayed.headers.get("Idempotent-Replayed") == "true"
        changed = caller.call(
            journey,
            "PATCH",
            f"{PLACEMENTS}/workers/{worker_id}",
            route=f"{PLACEMENTS}/workers/{{id}}",
            json={"ethnicity": "WBRI"},
            headers={"If-Match": created.headers["ETag"]},
        )
        journey.facts["worker_version"] = changed.json()["version"]
        changed = caller.call(
            journey,
            "PATCH",
            f"{PLACEMENTS}/employments/{employment_id}",
            route=f"{PLACEMENTS}/employments/{{id}}",
            json={"fte": "0.8"},
            headers={"If-Match": started.headers["ETag"]},
        )
        journey.facts["employment_version"] = changed.json()["version"]
        journey.facts["fte"] = [year["fte"] for year in changed.json()["years"]][-1:]
    return journey


# --- Setting up a fresh platform ---------------------------------------------------------------


class PlatformLike(Protocol):
    """What the set-up needs of a running platform (tests.e2e.harness.Platform has it)."""

    gateway: str
    client_id: str
    client_secret: str
    username: str
    password: str
    env: dict[str, str]
    folder: Path


@dataclass
class SocialWorker:
    swe_number: str
    username: str
    password: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Setup:
    """What the journeys need, made on a fresh platform through the gateway (and the CLI for accounts)."""

    gateway: str
    hr_headers: dict[str, str]
    admin_headers: dict[str, str]
    social_workers: list[SocialWorker]
    cohort_id: str
    progression_level: str
    evidence_kinds: list[str]
    retried: list[Answer] = field(default_factory=list)  # 5xx the set-up had to retry through
    _taken: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, count: int) -> list[SocialWorker]:
        """Social workers no other test or client has used: each works on their own records."""
        with self._lock:
            chosen = self.social_workers[self._taken : self._taken + count]
            if len(chosen) < count:
                raise ValueError(f"only {len(self.social_workers)} social workers were set up")
            self._taken += count
            return chosen

    def caller(self, headers: dict[str, str], who: str, deadline: float | None = None) -> Caller:
        return Caller(self.gateway, headers, who, deadline=deadline)

    def refresh_tokens(self, platform: PlatformLike) -> None:
        """New tokens for every principal (they live 15 minutes; a long benchmark outlives them)."""
        self.hr_headers = hr_token(platform)
        self.admin_headers = admin_token(platform)
        for worker in self.social_workers:
            worker.headers = password_token(platform.gateway, worker.username, worker.password)


def _token(gateway: str, form: dict[str, str]) -> dict[str, str]:
    answer = httpx.post(f"{gateway}/v1/auth/token", data=form, timeout=REQUEST_TIMEOUT)
    if answer.status_code != 200:
        raise RuntimeError(f"no token for {form.get('client_id') or form.get('username')}: {answer.text}")
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def hr_token(platform: PlatformLike) -> dict[str, str]:
    form = {
        "grant_type": "client_credentials",
        "client_id": platform.client_id,
        "client_secret": platform.client_secret,
    }
    return _token(platform.gateway, form)


def admin_token(platform: PlatformLike) -> dict[str, str]:
    return password_token(platform.gateway, platform.username, platform.password)


def password_token(gateway: str, username: str, password: str) -> dict[str, str]:
    return _token(gateway, {"grant_type": "password", "username": username, "password": password})


class _SetupCalls:
    """The set-up's own requests: retried on a 5xx or no answer (each retried answer is kept), since a set-up
    that stops at the first one would make every test fail for the same reason instead of its own."""

    def __init__(self, gateway: str, retried: list[Answer]):
        self.gateway = gateway
        self.retried = retried

    def call(self, token: dict[str, str], method: str, path: str, expect: Iterable[int], **kwargs: Any) -> dict:
        expect = tuple(expect)
        with Caller(self.gateway, token, "set-up") as caller:
            for attempt in range(1, SETUP_ATTEMPTS + 1):
                journey = Journey("setup", "set-up")
                try:
                    return caller.call(journey, method, path, expect=expect, **kwargs).json()
                except Stop:
                    answer = journey.answers[-1]
                    if not (answer.server_error or answer.unanswered) or attempt == SETUP_ATTEMPTS:
                        raise RuntimeError(f"setting up failed: {answer}") from None
                    self.retried.append(answer)
                    time.sleep(0.2 * attempt)
        raise AssertionError("unreachable")


# The CLI's own `users create` command, called once per account in one process with the platform's settings:
# the same code as `futuresocial users create`, without paying a process start (1.5 CPU-s) for each account.
# An account a locked SQLite database refused is tried again (today two writers at once can refuse each other).
_CREATE_ACCOUNTS = """
import json, sys, time
from futuresocial.cli import users_create
from services.common.auth import Role
for username, swe_number in json.loads(sys.argv[1]):
    for attempt in range(1, 41):
        try:
            users_create(username=username, role=Role.social_worker, council=sys.argv[2], worker=swe_number)
            break
        except Exception as exc:
            if "database is locked" not in str(exc) or attempt == 40:
                raise
            time.sleep(0.25)
"""


def create_accounts(platform: PlatformLike, workers: Sequence[SocialWorker]) -> None:
    """Social workers' accounts linked to their worker records, made as `futuresocial users create --role
    social_worker --council 330 --worker SWE` makes them."""
    pairs = json.dumps([(worker.username, worker.swe_number) for worker in workers])
    done = subprocess.run(
        [sys.executable, "-c", _CREATE_ACCOUNTS, pairs, COUNCIL],
        env=platform.env,
        cwd=platform.folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    made = {}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            account = json.loads(line)
            made[account["username"]] = account["password"]
    if done.returncode != 0 or len(made) != len(workers):
        raise RuntimeError(f"creating accounts failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    for worker in workers:
        worker.password = made[worker.username]


def _progression(framework: dict) -> tuple[str, list[str]]:
    """The level after social_worker that is reached by a panel, and the evidence it asks for."""
    levels = sorted(framework["levels"], key=lambda level: level["rank"])
    ranks = [level["code"] for level in levels]
    following = levels[ranks.index("social_worker") + 1]
    requirement = next(
        requirement
        for requirement in following["requirements"]
        if requirement["pathway"] is None and requirement["how_reached"] == "panel"
    )
    return following["code"], list(requirement["evidence_kinds"])


def prepare(platform: PlatformLike, social_workers: int, host_places: int = 1000, parallel: int = 4) -> Setup:
    """On a fresh platform: `social_workers` workers in post at Birmingham since 2019 (placements), each with
    a career record at the social worker level (started by Birmingham's HR) and then an account linked to them;
    the framework's next level and its evidence; a Return to Social Work cohort with host places offered
    by three councils."""
    retried: list[Answer] = []
    calls = _SetupCalls(platform.gateway, retried)
    hr, admin = hr_token(platform), admin_token(platform)
    run = uuid.uuid4().hex[:6]
    workers = [SocialWorker(new_swe(61), f"sw-{run}-{n}", "") for n in range(social_workers)]

    def employ(worker: SocialWorker) -> None:
        spell = {"swe_number": worker.swe_number, "council": COUNCIL, "start_date": "2019-03-01", "org_role": 5}
        key = {"Idempotency-Key": f"setup-spell-{worker.swe_number}"}
        calls.call(hr, "POST", f"{PLACEMENTS}/employments", (201,), json=spell, headers=key)
        record = {"swe_number": worker.swe_number, "level": "social_worker", "effective_on": "2021-03-01"}
        key = {"Idempotency-Key": f"setup-record-{worker.swe_number}"}
        calls.call(hr, "POST", f"{CAREERS}/workers", (201,), json=record, headers=key)

    with ThreadPoolExecutor(parallel) as pool:
        employed = [pool.submit(employ, worker) for worker in workers]
        level, kinds = _progression(calls.call(admin, "GET", f"{CAREERS}/framework", (200,)))
        today = date.today()
        cohort = calls.call(
            admin,
            "POST",
            f"{RETURNERS}/cohorts",
            (201,),
            json={
                "name": f"Journeys {run}",
                "intake_opens": str(today - timedelta(days=60)),
                "intake_closes": str(today + timedelta(days=60)),
                "capacity": 10_000,
                "min_years_away": 2,
                "max_years_away": 10,
                "min_statutory_practice_years": "2",
            },
        )
        for council in HOST_COUNCILS:
            offer = {"council": council, "places": host_places}
            calls.call(admin, "POST", f"{RETURNERS}/cohorts/{cohort['id']}/host-offers", (201,), json=offer)
        for future in employed:
            future.result()
    create_accounts(platform, workers)  # an account is bound only to a worker the workforce holds
    for worker in workers:
        worker.headers = password_token(platform.gateway, worker.username, worker.password)
    return Setup(platform.gateway, hr, admin, workers, cohort["id"], level, kinds, retried)


# --- Many clients at once ----------------------------------------------------------------------


def at_once(clients: Sequence[Callable[[], Any]], timeout: float = 120.0) -> list[Any]:
    """Run each client in its own thread, all released together, and return what each returned (in order);
    a client still running after `timeout` fails the run instead of stalling it."""
    barrier = threading.Barrier(len(clients))

    def released(client: Callable[[], Any]) -> Any:
        barrier.wait(timeout=timeout)
        return client()

    pool = ThreadPoolExecutor(len(clients))
    deadline = time.monotonic() + timeout
    try:
        futures = [pool.submit(released, client) for client in clients]
        return [future.result(timeout=max(0.0, deadline - time.monotonic())) for future in futures]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def flatten(results: Iterable[Journey | Iterable[Journey]]) -> list[Journey]:
    journeys: list[Journey] = []
    for result in results:
        journeys.extend([result] if isinstance(result, Journey) else result)
    return journeys
