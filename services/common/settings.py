"""Settings for every process, read from FUTURESOCIAL_* environment variables."""

import ipaddress
import json
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SERVICE_NAMES = ("careers", "placements", "returners", "analytics")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FUTURESOCIAL_", env_file=".env", extra="ignore")

    environment: str = "development"
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'futuresocial.db'}"
    # Connections one process holds at most, and requests it serves at once (services/common/db.py
    # shrinks it so every process's pool fits in database_max_connections on PostgreSQL).
    database_pool_size: int = 10
    database_max_connections: int = 100  # PostgreSQL's max_connections; `up` reads the server's own
    database_pool_timeout_seconds: float = 5.0  # then 503 with Retry-After
    database_lock_timeout_seconds: float = 8.0  # SQLite: how long a writer queues for the write lock
    database_statement_timeout_seconds: float = 10.0  # PostgreSQL, in a request: no query outlives it
    database_idle_transaction_timeout_seconds: float = 60.0  # PostgreSQL: a forgotten transaction ends
    background_statement_timeout_seconds: float = 600.0  # PostgreSQL: the scheduler, the command line
    sqlite_cache_kib: int = 16384  # SQLite's page cache per connection
    # A request waits this long for one of the process's request slots, then gets 503 with Retry-After.
    request_queue_timeout_seconds: float = 5.0
    host: str = "127.0.0.1"
    gateway_port: int = 8000
    careers_port: int = 8001
    placements_port: int = 8002
    returners_port: int = 8003
    analytics_port: int = 8004
    web_port: int = 8005  # the front end (web/), reached through the gateway at "/"
    # Upstream base URLs; empty means http://{host}:{service}_port.
    careers_url: str = ""
    placements_url: str = ""
    returners_url: str = ""
    analytics_url: str = ""
    web_url: str = ""
    # Where a service asks for its own token; empty means http://{host}:{gateway_port}.
    gateway_url: str = ""
    upstream_timeout_seconds: float = 10.0
    upstream_connect_timeout_seconds: float = 2.0
    upstream_max_connections: int = 100  # per service, from each gateway process; all kept alive
    health_timeout_seconds: float = 2.0  # how long /health and /ready wait for any one service

    jwt_issuer: str = "https://futuresocial.local/gateway"
    jwt_audience: str = "futuresocial-api"
    token_ttl_seconds: int = 900
    # PEM text; in development both are generated on first run into keys_dir when empty.
    jwt_private_key: str = ""
    jwt_public_key: str = ""
    # After a rotation of keys passed in settings: the public key that signed until then, verified until
    # the tokens it signed have expired.
    jwt_previous_public_key: str = ""
    keys_dir: Path = PROJECT_ROOT / "var" / "keys"
    # A service that does not share the gateway's key files (compose, production) reads the gateway's JWKS
    # (http://gateway:8000/v1/auth/jwks.json) when a token names a key it does not hold, at most this often.
    # Never the gateway's own setting: it would wait on itself.
    jwks_url: str = ""
    jwks_refresh_seconds: float = 10.0
    refresh_token_ttl_seconds: int = 14 * 24 * 3600  # a person's refresh token, renewed with each use

    # web: the front end keeps a person's tokens in a cookie encrypted with this Fernet key (generated into
    # keys_dir on first run when empty); a session ends after idle_seconds without a request, or max_seconds.
    web_session_key: str = ""
    web_session_idle_seconds: int = 30 * 60
    web_session_max_seconds: int = 12 * 3600

    # This process's own machine client (role "service"), for calls to other services.
    service_client_id: str = ""
    service_client_secret: str = ""

    # Processes per service (`futuresocial up --workers N`); connection pools are sized from it.
    workers: int = 1

    token_rate_limit: str = "30/minute"  # token requests for one client id or username, from any address
    # Failed token requests from one address, whatever the names they try: guessing across accounts stops here.
    token_failures_per_address: str = "30/minute"
    # Secrets and passwords one process checks at once (argon2id, 64 MiB apiece); a token request waits this
    # long for its turn, then gets 503 with Retry-After.
    credential_checks_at_once: int = 2
    credential_check_queue_seconds: float = 5.0
    # Request bodies, counted as they stream in: JSON and forms; census imports may be import_max_bytes.
    request_body_max_bytes: int = 1024 * 1024
    # Peers whose X-Forwarded-For a service believes (the gateway's addresses or networks, e.g. 172.28.0.0/24;
    # a JSON list or comma-separated); any other caller is taken at its own address.
    trusted_proxies: Annotated[list[str], NoDecode] = ["127.0.0.1", "::1"]
    # What stands in front of the gateway (a TLS terminator, a load balancer), believed the same way: nothing
    # by default, so no caller of the gateway chooses the address it is limited by.
    gateway_trusted_proxies: Annotated[list[str], NoDecode] = []
    # Who may read the gateway's /metrics (addresses or networks): loopback by default, so a Prometheus on the
    # same machine can and a caller of the public port cannot; empty: nobody. Others get 404, as for no page.
    gateway_metrics_allowed: Annotated[list[str], NoDecode] = ["127.0.0.1", "::1"]
    api_rate_limit: str = "1200/minute"
    rate_limit_storage_url: str = "memory://"  # redis://... whenever more than one process serves
    rate_limit_key_prefix: str = "futuresocial"  # keeps two platforms on one Redis apart
    log_level: str = "INFO"

    # analytics: the DfE extracts and their scheduler
    scheduler_enabled: bool = True
    scheduler_interval_seconds: float = 60
    scheduler_start_delay_seconds: float = 10
    scheduler_instance: str = ""  # defaults to host:pid
    extract_first_year: int = 2025  # the first census year whose returns the schedule produces
    extract_csww_due: str = "10-15"  # month-day after 30 September N when year N's returns are due
    extract_first_month: str = "2026-01"  # the first month whose 12-month retention summary is due
    extract_takeover_seconds: int = 900  # a run whose heartbeat is this old died: another instance takes it over
    extract_heartbeat_seconds: float = 30  # how often a running claim says it is alive
    extract_retry_base_seconds: int = 60  # backoff: base x 2^attempts, capped at a day
    extract_max_attempts: int = 8
    dfe_endpoint_url: str = ""  # HTTPS endpoint the extracts are pushed to; empty = no push
    dfe_endpoint_token: str = ""
    extract_outbox_dir: str = ""  # folder the extracts are written into; empty = none

    # placements
    import_max_bytes: int = 50 * 1024 * 1024
    # A return that would remove more than this share of the records held for its council and census
    # year (or all of them) is applied only with confirm_removals=<that number>. A year's records are a
    # closed set, so a corrected return drops a few; in the 2025 returns, a file missing its leavers
    # (7 to 23% of a West Midlands council's records) drops more than 5% at all 14 councils, one missing
    # its agency workers (2 to 20%) at 12.
    import_max_removed_share: float = Field(0.05, ge=0, le=1)
    movement_window_days: int = 180
    agency_regional_months: int = 12  # West Midlands memorandum of understanding
    agency_national_months: int = 3  # statutory guidance from 31 Oct 2024
    agency_min_pq_years: int = 3

    # returners
    returners_swe_rules_from: date = date(2019, 12, 2)  # SWE took over from the HCPC
    returners_default_hours_per_day: Decimal = Decimal(7)  # an updating day (an older SWE page said 6)
    returners_enquiry_rate_per_ip: str = "10/hour"
    returners_enquiry_rate_per_email: str = "3/day"

    @field_validator("trusted_proxies", "gateway_trusted_proxies", "gateway_metrics_allowed", mode="before")
    @classmethod
    def _proxy_list(cls, value: object) -> object:
        # uvicorn's --forwarded-allow-ips is comma-separated; one spelling serves both in compose's environment.
        if isinstance(value, str):
            if value.strip().startswith("["):
                return json.loads(value)
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("trusted_proxies", "gateway_trusted_proxies", "gateway_metrics_allowed")
    @classmethod
    def _proxies_are_addresses_or_networks(cls, value: list[str]) -> list[str]:
        for proxy in value:
            ipaddress.ip_network(proxy, strict=False)  # a typo would otherwise trust nobody, silently
        return value

    @model_validator(mode="after")
    def _refuse_generated_keys_in_production(self) -> "Settings":
        if self.environment == "production" and not self.jwt_public_key:
            raise ValueError("FUTURESOCIAL_JWT_PUBLIC_KEY must be set in production")
        return self

    def gateway_base_url(self) -> str:
        return self.gateway_url or f"http://{self.host}:{self.gateway_port}"

    def upstream_url(self, service: str) -> str:
        explicit = getattr(self, f"{service}_url")
        return explicit or f"http://{self.host}:{getattr(self, f'{service}_port')}"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
