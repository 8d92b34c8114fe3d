"""Reproducible installs: the lock files pin every dependency pyproject.toml names, within its range, with
hashes; make, CI (through make) and the Docker image install exactly those and resolve nothing else."""

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from services.common.settings import PROJECT_ROOT

PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", re.MULTILINE)
LOCKS = {"requirements.lock": ["redis"], "requirements-dev.lock": ["redis", "dev"]}


def pins(lock: str) -> dict[str, set[str]]:
    pinned: dict[str, set[str]] = {}
    for name, version in PIN.findall((PROJECT_ROOT / lock).read_text()):
        pinned.setdefault(canonicalize_name(name), set()).add(version)
    return pinned


def required(extras: list[str]) -> list[Requirement]:
    named = PYPROJECT["dependencies"] + [line for extra in extras for line in PYPROJECT["optional-dependencies"][extra]]
    return [Requirement(line) for line in named if canonicalize_name(Requirement(line).name) != "futuresocial"]


@pytest.mark.parametrize("lock", LOCKS)
def test_the_lock_pins_every_dependency_within_the_range_pyproject_allows(lock: str) -> None:
    pinned = pins(lock)
    for requirement in required(LOCKS[lock]):
        versions = pinned.get(canonicalize_name(requirement.name), set())
        assert any(requirement.specifier.contains(v) for v in versions), f"{lock}: {requirement} pinned {versions}"


@pytest.mark.parametrize("lock", LOCKS)
def test_every_pin_carries_its_hashes(lock: str) -> None:
    entries = re.split(r"\n(?=[A-Za-z0-9])", (PROJECT_ROOT / lock).read_text().split("\n", 2)[2])
    assert entries and all("--hash=sha256:" in entry for entry in entries if PIN.match(entry))


def test_make_and_the_docker_image_install_the_lock_and_then_the_project_alone() -> None:
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert "--require-hashes" in makefile and "-r requirements-dev.lock" in makefile
    assert "--require-hashes" in dockerfile and "-r requirements.lock" in dockerfile
    for text in (makefile, dockerfile):
        installs_project = [line for line in text.splitlines() if "install" in line and "-e ." in line]
        assert installs_project and all("--no-deps" in line for line in installs_project)
