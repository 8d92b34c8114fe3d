"""The `futuresocial` command: migrate, start the platform, manage credentials, export OpenAPI."""

import importlib
import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from services.common.auth import Role
from services.common.settings import PROJECT_ROOT, get_settings

app = typer.Typer(help="FutureSocial platform commands.", no_args_is_help=True)
clients_app = typer.Typer(help="Machine clients (council HR systems, the DfE).", no_args_is_help=True)
users_app = typer.Typer(help="People's accounts (academy staff, council staff, social workers).", no_args_is_help=True)
app.add_typer(clients_app, name="clients")
extracts_app = typer.Typer(help="The DfE extracts.", no_args_is_help=True)
keys_app = typer.Typer(help="The keys that sign access tokens.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(extracts_app, name="extracts")
app.add_typer(keys_app, name="keys")
console = Console(stderr=True)

OPENAPI_DIR = PROJECT_ROOT / "openapi"
APP_MODULES = {
    "gateway": "gateway.app",
    "careers": "services.careers.app",
    "placements": "services.placements.app",
    "returners": "services.returners.app",
    "analytics": "services.analytics.app",
}


def _session():
    from services.common.db import new_session

    return new_session()


def _prepare_sqlite_dir() -> None:
    settings = get_settings()
    if settings.is_sqlite and ":memory:" not in settings.database_url:
        Path(settings.database_url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)


@app.command()
def migrate() -> None:
    """Bring the database schema to the newest version and load the reference data."""
    from services.common import migrate as migrations
    from services.common.reference import load_councils

    _prepare_sqlite_dir()
    migrations.upgrade(get_settings().database_url)
    with _session() as session:
        count = load_councils(session)
    console.print(f"Database migrated; {count} councils in the reference table.")


def _workforce_is_empty() -> bool:
    from sqlalchemy import text

    with _session() as session:
        return session.execute(text("SELECT 1 FROM employment_year LIMIT 1")).first() is None


@app.command()
def seed(
    demo: Annotated[bool, typer.Option("--demo", help="Load the synthetic demo workforce")] = False,
) -> None:
    """Load reference data, and with --demo the synthetic workforce of the 14 councils, 2017 to 2025."""
    migrate()
    if demo:
        _seed_demo_workforce()


def _seed_demo_workforce() -> None:
    from rich.progress import Progress

    from futuresocial.demo_workforce import YEARS, seed_demo_workforce
    from services.common.reference import ACADEMY_MEMBERS

    with Progress(console=console, transient=True) as progress, _session() as session:
        task = progress.add_task("Loading the demo workforce", total=len(YEARS) * len(ACADEMY_MEMBERS))
        loaded = seed_demo_workforce(session, lambda year, council: progress.advance(task))
    console.print(f"Demo workforce loaded: {loaded} census records (synthetic people, SW9000000001 up).")


def _seed_demo_journeys() -> None:
    """The demo worker's career, opportunities and a Return to Social Work cohort (once: idempotent)."""
    from fastapi.testclient import TestClient

    from futuresocial.demo_journeys import seed_demo_journeys
    from services.common.auth import DEFAULT_SCOPES
    from services.common.jwt import ensure_development_keys, issue_token
    from services.placements.app import app as placements_app

    ensure_development_keys(get_settings())
    token = issue_token(subject="demo-seed", role="service", scopes=DEFAULT_SCOPES[Role.service])
    # placements in this process, through its own API, as careers and returners would call it
    with TestClient(placements_app, headers={"Authorization": f"Bearer {token}"}) as placements, _session() as session:
        made = seed_demo_journeys(session, placements)
    if made["career_record"] or made["opportunities"] or made["applicants"]:
        console.print(
            f"Demo journeys loaded: {made['worker']}'s career, opportunities, a Return to Social Work cohort."
        )


def _refuse_per_process_rate_limits(workers: int, storage_url: str) -> None:
    """Several processes per service need one rate-limit store that all of them count in."""
    if workers > 1 and storage_url.startswith("memory://"):
        console.print(
            f"{workers} workers (--workers, FUTURESOCIAL_WORKERS) run {workers} processes per service, but rate "
            "limits are counted in each process's own memory (FUTURESOCIAL_RATE_LIMIT_STORAGE_URL=memory://), "
            f"so every limit would allow {workers} times as much. Set "
            "FUTURESOCIAL_RATE_LIMIT_STORAGE_URL=redis://127.0.0.1:6379/0 (a Redis every process reaches), "
            "or run one worker.",
            style="red",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(2)
    if storage_url.removeprefix("async+").startswith("redis") and importlib.util.find_spec("redis") is None:
        console.print(
            f"FUTURESOCIAL_RATE_LIMIT_STORAGE_URL={storage_url} needs the redis package, an extra: "
            "pip install 'futuresocial[redis]' (make and the Docker image install it).",
            style="red",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(2)
    if not storage_url.startswith("memory://"):
        from limits.storage import storage_from_string

        try:
            reachable = storage_from_string(storage_url).check()
        except Exception:  # noqa: BLE001 - any failure to reach it means the same to the person starting up
            reachable = False
        if not reachable:
            console.print(
                f"The rate-limit store FUTURESOCIAL_RATE_LIMIT_STORAGE_URL={storage_url} does not answer.",
                style="red",
                markup=False,
                soft_wrap=True,
            )
            raise typer.Exit(2)


@app.command()
def up(
    demo: Annotated[
        bool, typer.Option("--demo/--no-demo", help="Load the demo workforce (if empty), demo credentials")
    ] = True,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Processes per service (default: FUTURESOCIAL_WORKERS, else 1); more than one needs Redis "
            "for rate limits (FUTURESOCIAL_RATE_LIMIT_STORAGE_URL)",
        ),
    ] = None,
) -> None:
    """Migrate, then run the gateway and the four services until Ctrl-C; a process that dies is restarted."""
    from futuresocial import runner
    from futuresocial.demo import service_client_credentials
    from services.common.jwt import ensure_development_keys
    from web import assets

    settings = get_settings()
    workers = workers or settings.workers
    _refuse_per_process_rate_limits(workers, settings.rate_limit_storage_url)
    migrate()
    _fit_connection_pools(settings, workers)
    ensure_development_keys(settings)
    assets.install()  # GOV.UK Frontend for the front end; `make` has installed it already
    credentials = []
    if demo:
        from futuresocial.demo import demo_credentials

        if _workforce_is_empty():
            _seed_demo_workforce()
        _seed_demo_journeys()

        with _session() as session:
            credentials = demo_credentials(session)
    with _session() as session:
        service_credential = service_client_credentials(session)
    os.environ["FUTURESOCIAL_SERVICE_CLIENT_ID"] = service_credential.identifier
    os.environ["FUTURESOCIAL_SERVICE_CLIENT_SECRET"] = service_credential.secret
    with runner.metrics_folders(workers) as metrics_root:
        supervisor = runner.Supervisor(runner.uvicorn_starter(settings, workers, metrics_root), runner.START_ORDER)
        supervisor.stop_on_signals()  # from here a stop, even during start-up, stops the children too
        try:
            supervisor.start_all()
            if not runner.wait_until_ready(settings, supervisor):
                if supervisor.stopping:
                    raise typer.Exit(130)
                dead = ", ".join(f"{name} {runner.how_it_ended(code)}" for name, code in supervisor.dead().items())
                console.print(f"The platform did not become ready ({dead or 'timed out'}); stopping.", style="red")
                raise typer.Exit(1)
            _announce(settings, workers, credentials)
            supervisor.run()
        finally:
            supervisor.stop()


def _fit_connection_pools(settings, workers: int) -> None:
    """Tell every process PostgreSQL's real max_connections, from which each sizes its pool, and refuse a
    worker count whose pools cannot all fit."""
    from services.common.db import check_connection_budget, get_engine, server_max_connections

    maximum = server_max_connections(get_engine()) or settings.database_max_connections
    os.environ["FUTURESOCIAL_DATABASE_MAX_CONNECTIONS"] = str(maximum)
    try:
        check_connection_budget(settings.model_copy(update={"workers": workers, "database_max_connections": maximum}))
    except ValueError as refused:
        console.print(str(refused), style="red")
        raise typer.Exit(2)


def _announce(settings, workers: int, credentials: list) -> None:
    base = f"http://{settings.host}:{settings.gateway_port}"
    processes = f"{workers} processes per service" if workers > 1 else "one process per service"
    console.print(
        f"\nFutureSocial is running ({processes}). Career pathway front end: [bold]{base}/[/bold]  "
        f"API docs: [bold]{base}/docs[/bold]  (Ctrl-C stops everything)",
        soft_wrap=True,
    )
    if credentials:
        console.print("Demo credentials (new on every start):")
        for credential in credentials:
            if credential.grant_type == "client_credentials":
                secret = f"client_id={credential.identifier} client_secret={credential.secret}"
            else:
                secret = f"username={credential.identifier} password={credential.secret}"
            console.print(f"  {credential.who}: grant_type={credential.grant_type} {secret}", soft_wrap=True)
        first = credentials[0]
        console.print(
            f"Try: curl -s -u {first.identifier}:{first.secret} {base}/v1/auth/token -d grant_type=client_credentials",
            soft_wrap=True,
        )


@clients_app.command("create")
def clients_create(
    role: Annotated[Role, typer.Option(help="council_hr, dfe, academy_admin or service")],
    council: Annotated[str | None, typer.Option(help="DfE code of the client's council (council_hr)")] = None,
    name: Annotated[str, typer.Option(help="What the client is")] = "api client",
) -> None:
    """Create a machine client; prints its id and secret once, as JSON."""
    from gateway.credentials import create_client

    with _session() as session:
        client, secret = create_client(session, name=name, role=role, council=council)
        session.commit()
        print(
            json.dumps(
                {
                    "client_id": client.client_id,
                    "client_secret": secret,
                    "role": role.value,
                    "council": council,
                    "scope": client.scopes,
                }
            )
        )


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Option()],
    role: Annotated[Role, typer.Option()],
    council: Annotated[str | None, typer.Option(help="DfE code (council staff, social workers)")] = None,
    worker: Annotated[str | None, typer.Option(help="SWE number (social workers)")] = None,
) -> None:
    """Create a person's account with a generated password; prints it once, as JSON. A social worker's SWE
    number must be one the workforce holds; it is stored normalised (sw 0123 is SW123)."""
    from futuresocial.accounts import create_person

    with _session() as session:
        user, password = create_person(session, username=username, role=role, council=council, worker=worker)
        session.commit()
        print(
            json.dumps(
                {
                    "username": user.username,
                    "password": password,
                    "role": role.value,
                    "council": council,
                    "worker": user.worker,
                }
            )
        )


@users_app.command("reset-password")
def users_reset_password(username: Annotated[str, typer.Option()]) -> None:
    """Give a person a new generated password (printed once, as JSON) and end every sign-in they hold."""
    from gateway.credentials import find_user, reset_user_password

    with _session() as session:
        password = reset_user_password(session, find_user(session, username))
        session.commit()
    print(json.dumps({"username": username, "password": password}))


@keys_app.command("rotate")
def keys_rotate() -> None:
    """A new signing key in the key folder; the current one stays in the JWKS as the previous key until the next
    rotation. Running processes pick both up without a restart. Prints the key ids, as JSON."""
    from services.common.jwt import rotate_keys

    try:
        kid, previous_kid = rotate_keys(get_settings())
    except RuntimeError as refused:
        console.print(str(refused), style="red", markup=False, soft_wrap=True)
        raise typer.Exit(2)
    print(json.dumps({"kid": kid, "previous_kid": previous_kid}))


@extracts_app.command("run")
def extracts_run(
    kind: Annotated[str, typer.Option(help="csww (a council's census return) or retention (the region's summary)")],
    year: Annotated[int, typer.Option(help="Census year N")],
    council: Annotated[str | None, typer.Option(help="DfE code; csww without it runs every member council")] = None,
) -> None:
    """Produce extracts now, checked and stored as the schedule would (a progress bar for the region)."""
    from fastapi.testclient import TestClient
    from rich.progress import Progress

    from services.analytics.extracts.service import NotReady, Period, produce
    from services.common.jwt import ensure_development_keys, issue_token
    from services.common.reference import ACADEMY_MEMBERS
    from services.placements.app import app as placements_app

    ensure_development_keys(get_settings())
    councils = [council] if council or kind != "csww" else sorted(ACADEMY_MEMBERS)
    token = issue_token(subject="cli:extracts", role="service", scopes=["placements", "analytics"])
    results = []
    # placements in this process, through its own API, as the analytics service would call it
    with (
        TestClient(placements_app, headers={"Authorization": f"Bearer {token}"}) as placements,
        Progress(console=console, transient=True) as progress,
    ):
        task = progress.add_task(f"Producing {kind} extracts for {year}", total=len(councils))
        for code in councils:
            with _session() as session:
                try:
                    extract = produce(
                        session, placements, kind=kind, period=Period.census(year), council=code,
                        trigger="manual", requested_by="cli",
                    )  # fmt: skip
                except NotReady as reason:  # nothing to extract: said, and nothing stored
                    results.append({"council": code, "status": "not produced", "errors": str(reason)})
                    progress.advance(task)
                    continue
                session.commit()
                results.append({"id": str(extract.id), "council": code, "status": extract.status,
                                "size": extract.size, "sha256": extract.sha256, "errors": extract.errors})  # fmt: skip
            progress.advance(task)
    print(json.dumps(results, indent=2))
    if any(result["status"] != "succeeded" for result in results):
        raise typer.Exit(1)


def openapi_documents() -> dict[str, str]:
    """Each app's OpenAPI document as the text written to openapi/<app>.json."""
    documents = {}
    for name, module in APP_MODULES.items():
        application = importlib.import_module(module).app
        documents[name] = json.dumps(application.openapi(), indent=2, sort_keys=True) + "\n"
    return documents


@app.command()
def openapi(check: Annotated[bool, typer.Option(help="Fail if a file is stale")] = False) -> None:
    """Write openapi/<app>.json for the gateway and every service."""
    stale = []
    OPENAPI_DIR.mkdir(exist_ok=True)
    for name, text in openapi_documents().items():
        path = OPENAPI_DIR / f"{name}.json"
        if path.exists() and path.read_text() == text:
            continue
        stale.append(name)
        if not check:
            path.write_text(text)
    if check and stale:
        console.print(f"Stale OpenAPI documents: {', '.join(stale)}; run `make openapi`.")
        raise typer.Exit(1)
    console.print("OpenAPI documents are up to date." if not stale else f"Wrote {', '.join(stale)}.")


def main() -> None:  # pragma: no cover
    from services.common.errors import DomainError

    try:
        app()
    except DomainError as exc:
        console.print(f"[red]{exc.detail}[/red]")
        sys.exit(2)
