"""The services stay independent: none imports another, and the gateway imports only services.common.

Checked twice: by import-linter with the contracts in pyproject.toml, and by a plain scan of the
source that does not depend on that configuration (so weakening the contracts is not enough)."""

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.common.settings import PROJECT_ROOT, SERVICE_NAMES

# Each package that must stay independent, and the services.* packages it may import.
PACKAGES: dict[str, set[str]] = {
    **{f"services/{service}": {"common", service} for service in SERVICE_NAMES},
    "gateway": {"common"},
}


def imported_service_packages(source: str, module: str) -> Iterator[tuple[int, str]]:
    """(line, X) for every import of services.X in `source`, the code of module `module`."""
    package_parts = module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = package_parts[: len(package_parts) - (node.level - 1)]
                stem = ".".join([*base, *([node.module] if node.module else [])])
            else:
                stem = node.module or ""
            # `from services import careers` names the package in the imported names
            targets = [stem] if stem != "services" else [f"services.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            parts = target.split(".")
            if len(parts) >= 2 and parts[0] == "services":
                yield node.lineno, parts[1]


def _module_name(path: Path) -> str:
    relative = path.relative_to(PROJECT_ROOT).with_suffix("")
    return ".".join(relative.parts)


def test_the_import_linter_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    assert lint_imports.exists(), f"import-linter is not installed next to {sys.executable}"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"lint-imports failed:\n{result.stdout}\n{result.stderr}"
    assert "broken" in result.stdout and "0 broken" in result.stdout


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_no_package_imports_another_services_modules(package: str) -> None:
    folder = PROJECT_ROOT / package
    files = sorted(folder.rglob("*.py"))
    assert files, f"no Python files under {folder}; is the layout still as the test expects?"
    allowed = PACKAGES[package]
    violations = [
        f"{path.relative_to(PROJECT_ROOT)}:{line} imports services.{imported}"
        for path in files
        for line, imported in imported_service_packages(path.read_text(), _module_name(path))
        if imported not in allowed
    ]
    assert not violations, "services must talk over HTTP, not imports:\n" + "\n".join(violations)


@pytest.mark.parametrize(
    ("source", "module", "found"),
    [
        ("import services.placements.models", "services.careers.x", ["placements"]),
        ("from services.returners import app", "services.careers.x", ["returners"]),
        ("from services import analytics, common", "gateway.proxy", ["analytics", "common"]),
        ("from ..placements.rules import census_year", "services.careers.x", ["placements"]),
        ("from . import rules", "services.careers.x", ["careers"]),
        ("def f():\n    import services.careers.app as a\n", "gateway.proxy", ["careers"]),
        ("import gateway.models\nimport httpx", "gateway.proxy", []),
    ],
)
def test_the_import_scan_finds_imports_of_service_packages(source: str, module: str, found: list[str]) -> None:
    assert [name for _, name in imported_service_packages(source, module)] == found


# A newcomer finds a thing by its module's name; a module past this size holds more than one thing (issue 16).
MOST_LINES = 550


def test_no_module_of_the_product_is_over_550_lines() -> None:
    modules = [
        path for root in ("services", "gateway", "web", "futuresocial") for path in (PROJECT_ROOT / root).rglob("*.py")
    ]
    assert len(modules) > 100, "the scan found too few modules: is PROJECT_ROOT right?"
    too_long = {
        str(path.relative_to(PROJECT_ROOT)): lines
        for path in modules
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MOST_LINES
    }
    assert too_long == {}, f"split these by what they hold: {too_long}"
