"""The front door of the real platform (`futuresocial up`, real uvicorn processes, real sockets): what each probe
of issue 11 answers now.

- 24 concurrent token requests with bad passwords: the gateway's resident memory stays within a bound (each
  argon2 check takes 64 MiB; 16 of them at once used to take the gateway from 107 MB to 1,071 MB).
- A 100 MiB body for the anonymous enquiry: 413 at once, and neither the gateway nor returners grows by it
  (it used to cost about 200 MB in the gateway and 260 MB in the service before a 422).
- A forged X-Forwarded-For sent to the gateway no longer buys another enquiry allowance.
- Requests naming a person (in the path, the body, the username) leave nothing of them in any process's output.
"""

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import psutil
import pytest

from futuresocial.runner import APPS
from tests.e2e.harness import Platform, assert_problem, own_database, running_platform

MiB = 1024 * 1024
ENQUIRIES = "/v1/returners/enquiries"
ENQUIRIES_PER_ADDRESS = 3
CONCURRENT_GUESSES = 24
# Generous: two argon2 checks at once (the default) need 128 MiB, sixteen needed a gigabyte.
TOKEN_MEMORY_BOUND_MIB = 320
BODY_MEMORY_BOUND_MIB = 48  # a 100 MiB body read whole would cost far more than this, in either process

SWE = "SW7081924"
NAME = ("Grace", "Hopper")
EMAIL = "grace.hopper@example.org"
BIRTH_DATE = "1976-12-09"


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    folder = tmp_path_factory.mktemp("front-door")
    env = {
        "FUTURESOCIAL_RETURNERS_ENQUIRY_RATE_PER_IP": f"{ENQUIRIES_PER_ADDRESS}/minute",
        # Every bad password here must reach its argon2 check: the limits on guessing are tested in-process.
        "FUTURESOCIAL_TOKEN_RATE_LIMIT": "100000/minute",
        "FUTURESOCIAL_TOKEN_FAILURES_PER_ADDRESS": "100000/minute",
    }
    with own_database(folder) as database_url, running_platform(database_url, folder, env=env) as platform:
        yield platform


def app_process(platform: Platform, app: str) -> psutil.Process:
    """The uvicorn process `up` runs for `app` (one process per app: no --workers)."""
    children = psutil.Process(platform.process.pid).children(recursive=True)
    (process,) = [child for child in children if APPS[app] in child.cmdline()]
    return process


class PeakResident:
    """The most resident memory a process reached while the block ran, sampled every 5 ms."""

    def __init__(self, process: psutil.Process):
        self.process = process
        self.idle = self.peak = process.memory_info().rss
        self._done = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.wait(0.005):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> "PeakResident":
        self._sampler.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._done.set()
        self._sampler.join()

    @property
    def grew_mib(self) -> float:
        return (self.peak - self.idle) / MiB


def test_concurrent_bad_passwords_keep_the_gateways_memory_bounded(platform: Platform) -> None:
    gateway = app_process(platform, "gateway")

    def guess(n: int) -> httpx.Response:
        form = {"grant_type": "password", "username": f"guess-{n}", "password": "not the password at all"}
        return httpx.post(f"{platform.gateway}/v1/auth/token", data=form, timeout=60)

    with PeakResident(gateway) as memory, ThreadPoolExecutor(CONCURRENT_GUESSES) as pool:
        answers = list(pool.map(guess, range(CONCURRENT_GUESSES)))
    statuses = [answer.status_code for answer in answers]
    print(f"gateway: idle {memory.idle / MiB:.0f} MiB, peak {memory.peak / MiB:.0f} MiB, statuses {sorted(statuses)}")
    assert set(statuses) <= {400, 503} and 400 in statuses, statuses  # invalid_grant or busy
    for answer in answers:
        if answer.status_code == 503:
            assert_problem(answer, 503)
            assert int(answer.headers["retry-after"]) >= 1
    assert memory.grew_mib <= TOKEN_MEMORY_BOUND_MIB, f"the gateway grew by {memory.grew_mib:.0f} MiB"


def huge_body(total: int = 100 * MiB) -> Callable[[], Iterator[bytes]]:
    def chunks() -> Iterator[bytes]:
        chunk = b" " * MiB
        for _ in range(total // MiB):
            yield chunk

    return chunks


@pytest.mark.parametrize("declared", [True, False], ids=["with a Content-Length", "chunked"])
def test_a_100_mib_enquiry_is_refused_without_either_process_holding_it(platform: Platform, declared: bool) -> None:
    headers = {"Content-Type": "application/json"}
    if declared:
        headers["Content-Length"] = str(100 * MiB)
    gateway, returners = app_process(platform, "gateway"), app_process(platform, "returners")
    with PeakResident(gateway) as gateway_memory, PeakResident(returners) as returners_memory:
        answer = httpx.post(f"{platform.gateway}{ENQUIRIES}", content=huge_body()(), headers=headers, timeout=60)
    print(f"gateway grew {gateway_memory.grew_mib:.1f} MiB, returners {returners_memory.grew_mib:.1f} MiB")
    assert_problem(answer, 413)
    assert gateway_memory.grew_mib <= BODY_MEMORY_BOUND_MIB
    assert returners_memory.grew_mib <= BODY_MEMORY_BOUND_MIB


def test_a_forged_forwarded_for_does_not_buy_another_enquiry_allowance(platform: Platform) -> None:
    answers = []
    for n in range(ENQUIRIES_PER_ADDRESS + 2):
        forged = {"X-Forwarded-For": f"203.0.113.{n + 1}"}  # a different address claimed every time
        enquiry = {"name": "Forging Fred", "email": f"fred-{uuid.uuid4().hex[:8]}@example.org", "consent": True}
        answers.append(httpx.post(f"{platform.gateway}{ENQUIRIES}", json=enquiry, headers=forged, timeout=30))
    statuses = [answer.status_code for answer in answers]
    # All from one real address: at most its allowance is accepted, whatever each request claimed.
    assert statuses.count(202) <= ENQUIRIES_PER_ADDRESS and statuses[-1] == 429, statuses
    assert_problem(answers[-1], 429)


def test_requests_naming_a_person_leave_nothing_of_them_in_any_process_output(platform: Platform) -> None:
    with httpx.Client(base_url=platform.gateway, timeout=30) as gateway:
        gateway.post(ENQUIRIES, json={"name": " ".join(NAME), "email": EMAIL, "consent": True})
        gateway.post(ENQUIRIES, json={"name": " ".join(NAME), "email": EMAIL, "date_of_birth": BIRTH_DATE})
        gateway.post("/v1/auth/token", data={"grant_type": "password", "username": EMAIL, "password": "wrong!"})
        gateway.get(f"/v1/careers/workers/{SWE}")
        admin = gateway.post(
            "/v1/auth/token",
            data={"grant_type": "password", "username": platform.username, "password": platform.password},
        )
        headers = {"Authorization": f"Bearer {admin.json()['access_token']}"}
        gateway.get(f"/v1/careers/workers/{SWE}", headers=headers)
        gateway.get(f"/v1/careers/workers/{SWE}/cpd", headers=headers)
        gateway.get("/v1/placements/workers", params={"swe_number": SWE}, headers=headers)
    time.sleep(0.5)  # the processes' last lines written
    output = platform.output().lower()
    assert '"route": "/v1/careers/workers/{swe_number}"' in output  # the lines are there, with their routes
    for value in (SWE, SWE[2:], *NAME, EMAIL, BIRTH_DATE):
        assert value.lower() not in output, f"{value!r} is in the platform's output"
