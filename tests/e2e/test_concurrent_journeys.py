"""Many users at once, through the real processes and the gateway, on both databases: the journeys that cross
services (tests/e2e/journeys.py), each driven by several clients at the same moment, then all of them together
with council HR systems writing. Every request must be answered, within the per-request bound, and never with
a 5xx; and each journey must have done what its user came for.

One platform for the module (`futuresocial up --no-demo`, with the extract scheduler ticking every 5 s).
Rate limits are lifted: many clients from one address, or one HR client on eight connections, would
otherwise measure the limiter instead of the platform. A failed extract run is retried after 2 s rather
than a minute (its first tick can come before the gateway listens, so the service token is not to be had).
"""

import json
import re
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date

import httpx
import pytest

from services.common.reference import ACADEMY_MEMBERS
from services.common.settings import Settings
from tests.e2e import journeys
from tests.e2e.harness import COUNCIL, Platform, own_database, running_platform
from tests.e2e.journeys import Answer, Journey, Setup, at_once

PLATFORM_ENV = {
    "FUTURESOCIAL_API_RATE_LIMIT": "1000000/minute",
    "FUTURESOCIAL_TOKEN_RATE_LIMIT": "1000000/minute",
    "FUTURESOCIAL_EXTRACT_RETRY_BASE_SECONDS": "2",
}
SEVERAL = 4  # clients at once in each of the small tests
HR_WRITERS = 8
# Social workers the module's tests take, each for themselves: /me, applications, and the mixed load.
SOCIAL_WORKERS = SEVERAL + SEVERAL + SEVERAL
YEAR = 2025


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    folder = tmp_path_factory.mktemp("e2e-concurrent")
    with own_database(folder) as database_url, running_platform(database_url, folder, env=PLATFORM_ENV) as platform:
        yield platform


@pytest.fixture(scope="module")
def setup(platform: Platform) -> Setup:
    return journeys.prepare(platform, social_workers=SOCIAL_WORKERS)


# --- Judging what the clients saw --------------------------------------------------------------


def _log_lines(platform: Platform, request_ids: set[str]) -> list[str]:
    """The processes' error lines for these requests: the exception's last lines, as the services logged it."""
    found = []
    for path in platform.logs:
        for line in path.read_text(errors="replace").splitlines():
            if not line.startswith("{"):
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("request_id") in request_ids and entry.get("level") == "ERROR":
                found.append(f"{entry['request_id']}: {entry.get('message')}: {_cause(entry.get('exception', ''))}")
    return found


def _cause(traceback: str) -> str:
    """The exception a traceback ends with, and the statement it failed on when it was the database's."""
    lines = [line for line in traceback.splitlines() if line.strip()]
    raised = [n for n, line in enumerate(lines) if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b", line)]
    if not raised:
        return " | ".join(lines[-2:])[:300]
    last = raised[-1]
    statement = next((line for line in lines[last + 1 :] if line.startswith("[SQL:")), "")
    return f"{lines[last][:200]} {statement[:120]}".rstrip()


def assert_served(platform: Platform, done: Sequence[Journey], setup: Setup | None = None) -> None:
    """No 5xx, no request left unanswered within the bound, no 4xx the journey did not expect, and every
    journey finished; a failure shows each bad answer with its body and the processes' log lines for it."""
    bad: list[Answer] = journeys.server_errors(done) + journeys.unanswered(done) + journeys.unexpected(done)
    unfinished = [journey for journey in done if not journey.finished]
    if not bad and not unfinished:
        return
    answered = sum(len(journey.answers) for journey in done)
    counts = Counter(
        "no answer" if answer.unanswered else str(answer.status) for journey in done for answer in journey.answers
    )
    logs = _log_lines(platform, {answer.request_id for answer in bad})
    retried = f"; the set-up itself retried {len(setup.retried)} 5xx" if setup and setup.retried else ""
    message = [
        f"{len(bad)} bad answer(s) of {answered} request(s) (statuses {dict(counts)}); "
        f"{len(unfinished)} of {len(done)} journeys did not finish{retried}",
        *[f"  {answer}" for answer in bad[:12]],
        "the processes' log lines for them:",
        *[f"  {line}" for line in logs[:12]],
    ]
    pytest.fail("\n".join(message), pytrace=False)


def _social_worker(setup: Setup, worker: journeys.SocialWorker):
    return setup.caller(worker.headers, worker.username)


# --- Each journey with several clients at once -------------------------------------------------


def test_a_social_worker_reads_their_own_career_while_others_do(platform: Platform, setup: Setup) -> None:
    workers = setup.take(SEVERAL)

    def first_look(worker: journeys.SocialWorker) -> Journey:
        with _social_worker(setup, worker) as caller:
            return journeys.my_career(caller, worker.swe_number)

    done = at_once([lambda worker=worker: first_look(worker) for worker in workers])
    assert_served(platform, done, setup)
    for worker, journey in zip(workers, done, strict=True):
        assert journey.facts["record_swe_number"] == worker.swe_number
        assert journey.facts["next_step_swe_number"] == worker.swe_number
        assert journey.facts["level"] == "social_worker"
        assert journey.facts["councils_in_post"] == [COUNCIL]
        assert journey.facts["next_levels"] == [setup.progression_level]


def test_an_academy_admin_reads_workers_careers_while_others_do(platform: Platform, setup: Setup) -> None:
    workers = setup.social_workers[:SEVERAL]  # read only: any worker set up will do

    def read(worker: journeys.SocialWorker) -> Journey:
        with setup.caller(setup.admin_headers, "academy admin") as caller:
            return journeys.reading_a_workers_career(caller, worker.swe_number, YEAR)

    done = at_once([lambda worker=worker: read(worker) for worker in workers])
    assert_served(platform, done, setup)
    for worker, journey in zip(workers, done, strict=True):
        assert journey.facts["record_swe_number"] == worker.swe_number
        assert journey.facts["councils_in_post"] == [COUNCIL]
        assert journey.facts["areas"] > 0


def test_social_workers_submit_progression_applications_while_others_do(platform: Platform, setup: Setup) -> None:
    workers = setup.take(SEVERAL)

    def apply(worker: journeys.SocialWorker) -> Journey:
        with _social_worker(setup, worker) as caller:
            return journeys.applying_to_progress(
                caller, worker.swe_number, setup.progression_level, setup.evidence_kinds
            )

    done = at_once([lambda worker=worker: apply(worker) for worker in workers])
    assert_served(platform, done, setup)
    for worker, journey in zip(workers, done, strict=True):
        assert journey.facts["state"] == journey.facts["submitted_state"] == "submitted"
        assert journey.facts["application_swe_number"] == worker.swe_number
        assert journey.facts["evidence_kinds"] == sorted(setup.evidence_kinds)
        assert journey.facts["council"] == COUNCIL


def _assert_employed_once(setup: Setup, done: Sequence[Journey]) -> None:
    """Each returner is employed, and placements holds exactly one worker and one spell for them."""
    today = str(date.today())
    with httpx.Client(base_url=setup.gateway, headers=setup.admin_headers, timeout=30) as admin:
        for journey in done:
            assert journey.facts["stage"] == "employed"
            assert journey.facts["placements_swe_number"] == journey.facts["swe_number"]
            assert journey.facts["spells"] == [(journey.facts["placements_employment_id"], COUNCIL, today)]
            workers = admin.get("/v1/placements/workers", params={"swe_number": journey.facts["swe_number"]})
            assert workers.status_code == 200, workers.text
            assert [item["id"] for item in workers.json()["items"]] == [journey.facts["placements_worker_id"]]


def test_returners_are_handed_over_into_employment_while_others_are(platform: Platform, setup: Setup) -> None:
    def hand_over(host: str) -> Journey:
        with setup.caller(setup.admin_headers, "academy admin") as caller:
            return journeys.returner_into_employment(caller, setup.cohort_id, host, journeys.new_swe(63))

    hosts = [journeys.HOST_COUNCILS[n % len(journeys.HOST_COUNCILS)] for n in range(SEVERAL)]
    done = at_once([lambda host=host: hand_over(host) for host in hosts])
    assert_served(platform, done, setup)
    _assert_employed_once(setup, done)


def _assert_recorded(done: Sequence[Journey]) -> None:
    for journey in done:
        assert journey.facts["replayed"] and journey.facts["replayed_id"] == journey.facts["employment_id"]
        assert journey.facts["worker_version"] == journey.facts["employment_version"] == 2
        assert journey.facts["fte"] == ["0.800000"]


def test_eight_council_hr_systems_record_starters_and_changes_at_once(platform: Platform, setup: Setup) -> None:
    def write() -> list[Journey]:
        with setup.caller(setup.hr_headers, "council HR") as caller:
            return [journeys.recording_starters_and_changes(caller) for _ in range(2)]

    done = journeys.flatten(at_once([write] * HR_WRITERS))
    assert_served(platform, done, setup)
    _assert_recorded(done)
    assert len({journey.facts["worker_id"] for journey in done}) == len(done)


# --- Everything together -----------------------------------------------------------------------


def test_every_journey_at_once_mixed_with_council_hr_writes(platform: Platform, setup: Setup) -> None:
    """Twelve clients: four social workers (record, next step, CPD, an application), two academy admins
    reading careers and analytics, two handing returners over to employment, four HR systems writing."""
    workers = setup.take(SEVERAL)

    def social_worker(worker: journeys.SocialWorker) -> list[Journey]:
        with _social_worker(setup, worker) as caller:
            return journeys.social_worker_day(caller, worker.swe_number, setup.progression_level, setup.evidence_kinds)

    def academy_reader(first: int) -> list[Journey]:
        with setup.caller(setup.admin_headers, "academy admin") as caller:
            return [journeys.reading_a_workers_career(caller, w.swe_number, YEAR) for w in workers[first::2]]

    def returner(host: str) -> Journey:
        with setup.caller(setup.admin_headers, "academy admin") as caller:
            return journeys.returner_into_employment(caller, setup.cohort_id, host, journeys.new_swe(63))

    def hr_writer() -> list[Journey]:
        with setup.caller(setup.hr_headers, "council HR") as caller:
            return [journeys.recording_starters_and_changes(caller) for _ in range(2)]

    clients = [
        *[lambda worker=worker: social_worker(worker) for worker in workers],
        lambda: academy_reader(0),
        lambda: academy_reader(1),
        lambda: returner("331"),
        lambda: returner("332"),
        *[hr_writer] * 4,
    ]
    results = at_once(clients)
    done = journeys.flatten(results)
    assert_served(platform, done, setup)

    days = results[: len(workers)]
    for worker, (career, cpd, application) in zip(workers, days, strict=True):
        assert career.facts["record_swe_number"] == career.facts["next_step_swe_number"] == worker.swe_number
        assert set(cpd.facts["cpd_ids"]) <= set(cpd.facts["listed_ids"]), "a CPD record written is missing"
        assert application.facts["state"] == "submitted"
        assert application.facts["application_swe_number"] == worker.swe_number
    readers = [journey for journey in done if journey.name == "reading-a-career"]
    assert len(readers) == len(workers)
    assert all(journey.facts["record_swe_number"] == journey.facts["swe_number"] for journey in readers)
    _assert_employed_once(setup, [journey for journey in done if journey.name == "returner-into-employment"])
    _assert_recorded([journey for journey in done if journey.name == "hr-starters-and-changes"])


def test_the_scheduled_extracts_exist_once_per_council_and_period_after_the_load(
    platform: Platform, setup: Setup
) -> None:
    """The scheduler (every 5 s here) ran all along: for each academy council and census year due so far (from
    the first configured year, due each 15 October) there is one claim; a council whose records hold that year
    has its return produced once, succeeded; one whose records do not has nothing produced, and the claim says
    it waits for that return."""
    defaults = Settings.model_fields
    first_year = defaults["extract_first_year"].default
    month, day = (int(part) for part in defaults["extract_csww_due"].default.split("-"))
    today = date.today()
    periods = [str(year) for year in range(first_year, today.year + 1) if date(year, month, day) <= today]
    expected = {(f"csww:{council}", period) for council in ACADEMY_MEMBERS for period in periods}
    deadline = time.monotonic() + 40
    with httpx.Client(base_url=setup.gateway, headers=setup.admin_headers, timeout=30) as admin:
        while True:
            schedule = admin.get("/v1/analytics/extract-schedule", params={"limit": 500}).json()["items"]
            claims = {(c["job"], c["period"]): c for c in schedule if c["job"].startswith("csww")}
            settled = {key for key, claim in claims.items() if claim["status"] in ("succeeded", "waiting")}
            if settled >= expected or time.monotonic() > deadline:
                break
            time.sleep(1)
        listed = admin.get("/v1/analytics/extracts", params={"kind": "csww", "limit": 500})
        assert listed.status_code == 200, listed.text
        extracts = listed.json()["items"]
    unsettled = {key: (claims[key]["status"], claims[key]["last_error"]) for key in expected - settled if key in claims}
    assert settled >= expected, f"missing: {sorted(expected - set(claims))}; not done: {unsettled}"
    produced = Counter((f"csww:{extract['council']}", extract["period"]) for extract in extracts)
    assert set(produced) == {key for key in expected if claims[key]["status"] == "succeeded"}
    assert [pair for pair, count in produced.items() if count > 1] == []
    for (job, period), claim in claims.items():
        if claim["status"] == "waiting":
            assert claim["waiting_for"].startswith(f"no return for {period} from {job.split(':')[1]} "), claim
    failed = [(e["council"], e["period"], e["status"], e["errors"][:1]) for e in extracts if e["status"] != "succeeded"]
    assert failed == []
    assert {extract["trigger"] for extract in extracts} <= {"schedule"}
