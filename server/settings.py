"""One typed settings object, read from ``AFTERCARE_*`` environment variables.

Every field is documented in README.md (a test keeps the two in step).
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


PREFIX = "AFTERCARE_"
# Variables that no longer mean anything: starting with one set would silently drop what it asked for.
RETIRED = {"AFTERCARE_LOCKOUT_THRESHOLD": "AFTERCARE_LOGIN_FREE_FAILURES (logins are throttled, not locked)",
           "AFTERCARE_LOCKOUT_MINUTES": "AFTERCARE_LOGIN_MAX_DELAY_MINUTES (logins are throttled, not locked)"}


def _env_name(name: str) -> str:
    return PREFIX + name.upper()


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default="", metadata={"doc": "SQLAlchemy URL of the ERP database; default SQLite at `<var_dir>/aftercare.db`."})
    var_dir: str = field(default="var", metadata={"doc": "Directory for the embedded database, uploaded blobs and demo secrets."})
    host: str = field(default="127.0.0.1", metadata={"doc": "Address the server binds to."})
    port: int = field(default=8000, metadata={"doc": "Port the server listens on."})
    http_threads: int = field(default=48, metadata={"doc": "Threads serving requests. Each live device holds one per database it pulls while its longpoll waits (two for a counter tablet), and at most half the threads wait: size it to four times the devices online at once, plus some."})
    demo: bool = field(default=False, metadata={"doc": "Demo mode (`make run`): generates a JWT secret under `var/` and loads demo data on first start."})
    jwt_secret: str = field(default="", metadata={"doc": "Secret that signs access tokens. Required (32+ characters) outside demo mode."})
    access_token_minutes: int = field(default=15, metadata={"doc": "Lifetime of an access token."})
    refresh_token_days: int = field(default=14, metadata={"doc": "Lifetime of a refresh token."})
    login_free_failures: int = field(default=5, metadata={"doc": "Failed logins on one account from one address before each further try there must wait (429 with `Retry-After`; 1 s, doubling per failure). Never a lock; a success from that address clears the count (see docs/architecture.md, Auth)."})
    login_max_delay_minutes: int = field(default=15, metadata={"doc": "The longest such wait."})
    login_account_delay_seconds: int = field(default=30, metadata={"doc": "The most that failures on an account from all addresses (since its last success, last hour) add to the wait of an address that has failed on it."})
    login_address_free_failures: int = field(default=30, metadata={"doc": "Failed logins from one address on any accounts (last hour) before its tries wait the same doubling delay (password spraying)."})
    proxy_hops: int = field(default=0, metadata={"doc": "Reverse proxies in front of the server whose `X-Forwarded-For` is trusted for the client's address (the login throttle counts per address); 0: the connection's address, the header ignored."})
    max_request_bytes: int = field(default=1_048_576, metadata={"doc": "Largest accepted request body; larger ones get 413."})
    max_import_bytes: int = field(default=33_554_432, metadata={"doc": "Largest accepted import file (.xlsx/.csv)."})
    timezone: str = field(default="Asia/Shanghai", metadata={"doc": "Business time zone: document dates and number months are counted in it."})
    log_level: str = field(default="INFO", metadata={"doc": "Python log level."})
    pwa_dir: str = field(default="", metadata={"doc": "Directory of the built PWA served at `/`; default `pwa/dist` of the checkout."})
    password_hash_cost: str = field(default="standard", metadata={"doc": "`standard` (argon2id, RFC 9106 low-memory profile) or `fast` (tests only)."})
    couchdb_url: str = field(default="http://127.0.0.1:5984", metadata={"doc": "URL of the sync store (Apache CouchDB 3 in production; `make run` starts the embedded pouchdb-server there)."})
    couchdb_user: str = field(default="aftercare", metadata={"doc": "The server's account on the sync store; the only member of every database."})
    couchdb_password: str = field(default="", metadata={"doc": "Password of that account. Required by the sync tier outside demo mode; demo mode generates one under `var/`."})
    sync_max_request_bytes: int = field(default=8_388_608, metadata={"doc": "Largest request body the sync proxy accepts (a `_bulk_docs` batch); larger ones get 413."})
    blob_max_bytes: int = field(default=10_485_760, metadata={"doc": "Largest photo `POST /api/blobs` accepts; larger ones get 413."})
    sync_batch_size: int = field(default=200, metadata={"doc": "Events the posting worker takes from one database per SQL transaction."})
    sync_order_wait_seconds: int = field(default=3600, metadata={"doc": "How long an event waits for the order it names to be posted before it is dead-lettered."})
    sync_lease_seconds: int = field(default=30, metadata={"doc": "How long a posting worker owns a database without renewing; another worker takes over after that."})
    repair_passcode_key: str = field(default="", metadata={"doc": "Key (32+ characters) that encrypts device passcodes on repair orders (AES-256-GCM); default derived from the JWT secret, so rotating that secret makes stored passcodes unreadable unless this is set."})
    repair_check_fee: str = field(default="0", metadata={"doc": "Check fee (yuan, e.g. `30.00`) charged when a customer declines a quotation and takes the device back unrepaired; `0` for none."})
    print_logo_dir: str = field(default="", metadata={"doc": "Directory of the logos printed on forms: `<ORG CODE>.svg`, `.png` or `.jpg` per organisation, `default.*` for the rest; default `<var_dir>/logos`."})
    repair_followup_optional: bool = field(default=False, metadata={"doc": "Whether a completed repair may be audited without a follow-up call."})
    repair_comeback_days: int = field(default=90, metadata={"doc": "A device back for repair within this many days of its last pickup is a comeback of that repair (counted against its engineer and fault codes)."})
    retail_return_days: int = field(default=7, metadata={"doc": "A retail sale may be returned (零售退货) up to this many days after its date; later returns are refused naming `sale_id`."})
    retail_tax_rate: str = field(default="0.13", metadata={"doc": "VAT rate inside retail prices (0.13 is 13 %) when a sale line names none; revenue is kept net of it."})
    doc_date_past_days: int = field(default=3650, metadata={"doc": "How many days before today (business time zone) a document may be dated; older dates are refused naming `doc_date` (closed periods guard the books on top of this)."})
    doc_date_future_days: int = field(default=31, metadata={"doc": "How many days after today a document may be dated; later dates (a typo like 9999-12-31) are refused naming `doc_date`."})
    purchase_over_receipt_percent: str = field(default="0", metadata={"doc": "How much more than a purchase order line's quantity its receipts may bring in, in percent of it (e.g. `5`); `0`: never more than ordered."})
    reports_database_url: str = field(default="", metadata={"doc": "SQLAlchemy URL reports and their exports read from (a PostgreSQL hot standby of the ERP database in production); empty: the ERP database itself. A standby's figures may lag the primary (see docs/reports.md)."})
    smtp_url: str = field(default="", metadata={"doc": "Mail server for scheduled reports: `smtp://[user:password@]host[:port]` (STARTTLS when the server offers it) or `smtps://…` (TLS from the start); empty: scheduled reports are not mailed (a schedule with recipients is refused)."})
    smtp_from: str = field(default="aftercare@localhost", metadata={"doc": "Sender address of scheduled reports' mail."})
    reports_drop_dir: str = field(default="", metadata={"doc": "Directory scheduled reports drop their workbooks into (`<report name>-<date>.xlsx`); empty: dropping is not offered (a schedule that drops is refused); demo mode: `<var_dir>/reports`."})

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> "Settings":
        env = os.environ if environ is None else environ
        for old, new in RETIRED.items():
            if old in env:
                raise SettingsError(f"{old} is retired: use {new}")
        values: dict[str, object] = {}
        for f in dataclasses.fields(cls):
            raw = env.get(_env_name(f.name))
            if raw is None:
                continue
            values[f.name] = _parse(f.name, f.type, raw)
        values.update(overrides)
        return cls(**values).resolved()

    def resolved(self) -> "Settings":
        """Fill derived defaults and check what must hold before the app starts."""
        changes: dict[str, object] = {}
        var = Path(self.var_dir)
        if not self.database_url:
            changes["database_url"] = f"sqlite:///{(var / 'aftercare.db').resolve()}"
        if not self.pwa_dir:
            changes["pwa_dir"] = str(Path(__file__).resolve().parent.parent / "pwa" / "dist")
        secret = self.jwt_secret
        if not secret and self.demo:
            secret = _demo_secret(var, "demo-jwt-secret")
            changes["jwt_secret"] = secret
        if not self.couchdb_password and self.demo:
            changes["couchdb_password"] = _demo_secret(var, "demo-couchdb-password")
        if not self.reports_drop_dir and self.demo:
            # The demo has no mail server: its scheduled reports drop their workbooks here.
            changes["reports_drop_dir"] = str((var / "reports").resolve())
        if not secret:
            raise SettingsError(f"{_env_name('jwt_secret')} is required (outside demo mode there is no default)")
        if len(secret) < 32:
            raise SettingsError(f"{_env_name('jwt_secret')} must be at least 32 characters")
        if not 1 <= self.port <= 65535:
            raise SettingsError(f"{_env_name('port')} must be between 1 and 65535")
        if not self.couchdb_url.startswith(("http://", "https://")):
            raise SettingsError(f"{_env_name('couchdb_url')} must be an http:// or https:// URL")
        if self.password_hash_cost not in ("standard", "fast"):
            raise SettingsError(f"{_env_name('password_hash_cost')} must be 'standard' or 'fast'")
        if self.proxy_hops < 0:
            raise SettingsError(f"{_env_name('proxy_hops')} must be 0 or more")
        if self.http_threads < 4:
            raise SettingsError(f"{_env_name('http_threads')} must be at least 4 (half of them may wait on longpolls)")
        for name in ("access_token_minutes", "refresh_token_days", "login_free_failures", "login_max_delay_minutes",
                     "login_account_delay_seconds", "login_address_free_failures", "max_request_bytes",
                     "max_import_bytes", "sync_max_request_bytes", "blob_max_bytes", "sync_batch_size",
                     "sync_order_wait_seconds", "sync_lease_seconds", "repair_comeback_days"):
            if getattr(self, name) <= 0:
                raise SettingsError(f"{_env_name(name)} must be positive")
        if self.repair_passcode_key and len(self.repair_passcode_key) < 32:
            raise SettingsError(f"{_env_name('repair_passcode_key')} must be at least 32 characters")
        if not 0 <= self.retail_return_days <= 3650:
            raise SettingsError(f"{_env_name('retail_return_days')} must be between 0 and 3650")
        try:
            from decimal import Decimal, InvalidOperation

            rate = Decimal(self.retail_tax_rate)
            if not rate.is_finite() or not 0 <= rate < 1 or rate != rate.quantize(Decimal("0.0001")):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            raise SettingsError(f"{_env_name('retail_tax_rate')} must be a rate from 0 to below 1 (0.13 is 13 %), "
                                f"got {self.retail_tax_rate!r}") from None
        for name in ("doc_date_past_days", "doc_date_future_days"):
            if not 0 <= getattr(self, name) <= 36_500:
                raise SettingsError(f"{_env_name(name)} must be between 0 and 36500")
        try:
            from decimal import Decimal, InvalidOperation

            fee = Decimal(self.repair_check_fee)
            if not fee.is_finite() or fee < 0 or fee != fee.quantize(Decimal("0.01")):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            raise SettingsError(f"{_env_name('repair_check_fee')} must be an amount in yuan with at most two decimals, "
                                f"got {self.repair_check_fee!r}") from None
        try:
            from decimal import Decimal, InvalidOperation

            pct = Decimal(self.purchase_over_receipt_percent)
            if not pct.is_finite() or not 0 <= pct <= 100:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            raise SettingsError(f"{_env_name('purchase_over_receipt_percent')} must be a percentage from 0 to 100, "
                                f"got {self.purchase_over_receipt_percent!r}") from None
        if self.smtp_url and not self.smtp_url.startswith(("smtp://", "smtps://")):
            raise SettingsError(f"{_env_name('smtp_url')} must be an smtp:// or smtps:// URL")
        try:
            from zoneinfo import ZoneInfo

            ZoneInfo(self.timezone)
        except Exception as exc:  # noqa: BLE001 - any lookup failure means a bad name
            raise SettingsError(f"{_env_name('timezone')}: unknown time zone {self.timezone!r}") from exc
        return dataclasses.replace(self, **changes) if changes else self


def _parse(name: str, typ: object, raw: str) -> object:
    typ = typ if isinstance(typ, str) else getattr(typ, "__name__", str(typ))
    if typ == "int":
        try:
            return int(raw)
        except ValueError:
            raise SettingsError(f"{_env_name(name)} must be a whole number, got {raw!r}") from None
    if typ == "bool":
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off", ""):
            return False
        raise SettingsError(f"{_env_name(name)} must be true or false, got {raw!r}")
    return raw


def _demo_secret(var: Path, name: str) -> str:
    """A per-installation secret for demo mode, kept under var/ and never committed."""
    path = var / name
    if path.exists():
        return path.read_text().strip()
    var.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret)
    path.chmod(0o600)
    return secret
