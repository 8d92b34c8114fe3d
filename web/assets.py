"""GOV.UK Frontend's compiled styles, script and images, from the npm registry at install time: one pinned
version, refused unless its bytes match the registry's published sha512 integrity. Only Python is needed
(`make` runs `python -m web.assets`); the files land in web/static/govuk-frontend/ (not in the repository).

The Jinja macros that mirror GOV.UK Frontend's Nunjucks ones come from `govuk-frontend-jinja` (PyPI), whose
4.x line is made for this version of GOV.UK Frontend.

GDS Transport, the GOV.UK typeface, is licensed only for services on GOV.UK: FutureSocial is not one, so its
fonts are not installed and pages fall back to Arial, as the Design System asks of services off GOV.UK.
"""

import base64
import hashlib
import io
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "6.3.0"
TARBALL = f"https://registry.npmjs.org/govuk-frontend/-/govuk-frontend-{VERSION}.tgz"
INTEGRITY = "sha512-cXIQxm5PHCsbic47GXZrVBZhAeeshTLRL6ZBKilLsR6rMCjJuWb7Fruq0VUNMBJFlJk/srsRj/q8d5bM9cgKoA=="
TARGET = Path(__file__).parent / "static" / "govuk-frontend"
# From the package's dist/govuk/: what a page loads. Fonts are left out (see above).
WANTED = ("govuk-frontend.min.css", "govuk-frontend.min.js", "assets/images/", "assets/manifest.json")
PREFIX = "package/dist/govuk/"


class IntegrityError(Exception):
    pass


def check_integrity(data: bytes, integrity: str = INTEGRITY) -> None:
    """Raise unless `data` has the Subresource Integrity digest npm publishes (`sha512-<base64>`)."""
    algorithm, _, expected = integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise IntegrityError(f"govuk-frontend {VERSION}: {algorithm} {actual} is not the published {expected}")


def unpack(data: bytes, target: Path = TARGET) -> list[str]:
    """The wanted files of the tarball into `target` (replacing what was there); the names written."""
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    written = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            name = member.name.removeprefix(PREFIX)
            if not member.isfile() or name == member.name or not name.startswith(WANTED):
                continue
            destination = staging / name
            if staging.resolve() not in destination.resolve().parents:
                raise IntegrityError(f"{member.name} would land outside {target}")
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(archive.extractfile(member).read())
            written.append(name)
    (staging / "VERSION").write_text(VERSION)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return written


def installed(target: Path = TARGET) -> bool:
    version = target / "VERSION"
    return version.is_file() and version.read_text() == VERSION


def install(target: Path = TARGET) -> None:
    if installed(target):
        return
    with urllib.request.urlopen(TARBALL, timeout=60) as answer:  # noqa: S310 - a fixed https address
        data = answer.read()
    check_integrity(data)
    unpack(data, target)
    print(f"web: GOV.UK Frontend {VERSION} installed in {target}", file=sys.stderr)


if __name__ == "__main__":
    install()
