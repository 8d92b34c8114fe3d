"""A 40,000-record census import over the API, in a real placements process: it holds at most 64 MiB above
the process's idle resident size, and sending the same return again holds no more than that. (The first
version kept 56 MiB after the import and 67 MiB after the second; SQLite's page cache was 64 MiB for each
pooled connection.)"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from services.common.jwt import issue_token
from tests.e2e.harness import COUNCIL, HOST, START_TIMEOUT, free_ports, futuresocial, own_database, wait_for
from tests.placements.factory import census_records, xml_return

RECORDS = 40_000
LIMIT_MIB = 64


def resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for process {pid}")


@pytest.fixture(scope="module")
def placements(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen]]:
    folder = tmp_path_factory.mktemp("e2e-import-memory")
    with own_database(folder) as database_url:
        env = {name: value for name, value in os.environ.items() if not name.startswith("FUTURESOCIAL_")}
        env |= {"FUTURESOCIAL_DATABASE_URL": database_url, "FUTURESOCIAL_KEYS_DIR": os.environ["FUTURESOCIAL_KEYS_DIR"]}
        futuresocial(env, folder, "migrate")
        (port,) = free_ports(1)
        command = [sys.executable, "-m", "uvicorn", "services.placements.app:app", "--host", HOST, "--port", str(port)]
        with open(folder / "placements.log", "wb") as log:
            process = subprocess.Popen(command, env=env, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for(f"http://{HOST}:{port}/ready", time.monotonic() + START_TIMEOUT, process)
            yield f"http://{HOST}:{port}", process
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=20)


def test_a_40000_record_import_holds_at_most_64_mib_above_idle(placements: tuple[str, subprocess.Popen]) -> None:
    base_url, process = placements
    token = issue_token(subject="hr-330", role="council_hr", council=COUNCIL, scopes=["placements"])
    census_return = xml_return(2024, COUNCIL, census_records(RECORDS, 2024))
    upload = {"file": ("csww-330-2024.xml", census_return, "application/xml")}
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=600) as client:
        assert client.get("/v1/placements/workers", params={"limit": 5}).status_code == 200
        idle = resident_mib(process.pid)
        first = client.post("/v1/placements/imports", params={"census_year": 2024}, files=upload)
        assert first.status_code == 201, first.text[:2000]
        held_after_import = resident_mib(process.pid) - idle
        again = client.post("/v1/placements/imports", params={"census_year": 2024}, files=upload)
        assert again.status_code == 200 and again.json()["status"] == "unchanged", again.text[:2000]
        held_after_again = resident_mib(process.pid) - idle
    assert held_after_import <= LIMIT_MIB, f"{held_after_import:.1f} MiB more than idle after the import"
    assert held_after_again <= LIMIT_MIB, f"{held_after_again:.1f} MiB more than idle after the same import again"
