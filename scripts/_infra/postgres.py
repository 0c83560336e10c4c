"""PostgreSQL from the system packages: a private cluster in `.infra/postgres`, or DATABASE_URL."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from _infra.procs import InfraError, read_pid, tail, wait_until
from _infra.settings import Settings
from _infra.system import apt_install, run

READY_TIMEOUT_S = 60.0
OWNER = "postgres"  # initdb refuses to run as root
CONF = ("listen_addresses = '127.0.0.1'", "max_connections = 200", "fsync = on")


def external_answers(url: str) -> bool:
    """True when the server behind a SQLAlchemy URL accepts a connection within 3 s."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)

    async def probe() -> None:
        conn = await asyncpg.connect(dsn, timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    return True


def database_url(s: Settings) -> str:
    """The URL clients should use: DATABASE_URL when it answers, else the local cluster."""
    if s.external_database_url and not running_pid(s) and external_answers(s.external_database_url):
        return s.external_database_url
    return s.local_database_url


def up(s: Settings) -> None:
    """Use DATABASE_URL when it answers; otherwise start (once) and bootstrap the local cluster."""
    if running_pid(s) is None and s.external_database_url:
        if external_answers(s.external_database_url):
            url = _safe(s.external_database_url)
            print(f"postgres: using DATABASE_URL {url}; starting nothing")
            return
        print("postgres: DATABASE_URL does not answer; starting a local cluster", file=sys.stderr)
    bin_dir = find_bin_dir(s)
    started = time.monotonic()
    if running_pid(s) is None:
        _refuse_foreign_port(s, bin_dir)
        init_cluster(s, bin_dir)
        _start(s, bin_dir)
    _create_role_and_database(s, bin_dir)
    waited = time.monotonic() - started
    url = _safe(s.local_database_url)
    print(f"postgres ready at {url} (pid {running_pid(s)}) in {waited:.1f} s")


def down(s: Settings) -> None:
    """Stop the local cluster `up` started (never an external DATABASE_URL server)."""
    data = s.postgres_dir / "data"
    if running_pid(s) is None:
        print("postgres: no local cluster running")
        return
    bin_dir = find_bin_dir(s)
    print(f"stopping postgres (pid {running_pid(s)})...")
    _as_owner(
        [str(bin_dir / "pg_ctl"), "stop", "-D", str(data), "-m", "fast", "-t", "60"],
        what="pg_ctl stop",
    )
    print("postgres stopped")


def status_line(s: Settings) -> tuple[bool, str]:
    """(is up, one human line) for `status`."""
    pid = running_pid(s)
    if pid is not None:
        return True, f"postgres   up    {_safe(s.local_database_url)}  pid {pid}"
    if s.external_database_url and external_answers(s.external_database_url):
        return True, f"postgres   up    {_safe(s.external_database_url)}  (external)"
    return False, f"postgres   down  {_safe(s.external_database_url or s.local_database_url)}"


def running_pid(s: Settings) -> int | None:
    """The postmaster pid of the local cluster when it is running and accepts connections."""
    data = s.postgres_dir / "data"
    pid = read_pid_first_line(data / "postmaster.pid")
    if pid is None or not Path(f"/proc/{pid}").exists():
        return None
    return pid if _isready(s) else None


def read_pid_first_line(path: Path) -> int | None:
    """postmaster.pid holds the pid on its first line."""
    try:
        return int(path.read_text().splitlines()[0])
    except (FileNotFoundError, ValueError, IndexError, PermissionError):
        return read_pid(path) if path.exists() else None


def find_bin_dir(s: Settings) -> Path:
    """The server binaries matching the cluster's version (newest installed for a new one)."""
    wanted = s.postgres_dir / "data" / "PG_VERSION"
    candidates = _installed_bin_dirs()
    if not candidates:
        _install_server_packages()
        candidates = _installed_bin_dirs()
    if wanted.exists():
        version = wanted.read_text().strip()
        candidates = [c for c in candidates if c.parent.name == version]
    if not candidates:
        raise InfraError(f"no PostgreSQL server binaries for the cluster in {wanted.parent}")
    return candidates[-1]


def _installed_bin_dirs() -> list[Path]:
    found = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb")]
    return sorted(found, key=lambda p: float(p.parent.name) if _is_number(p.parent.name) else 0)


def _is_number(text: str) -> bool:
    return text.replace(".", "", 1).isdigit()


def _install_server_packages() -> None:
    # Debian's package would otherwise create and start a "main" cluster on port 5432.
    conf = Path("/etc/postgresql-common/createcluster.conf")
    if os.geteuid() == 0 and not conf.exists():
        conf.parent.mkdir(parents=True, exist_ok=True)
        conf.write_text("create_main_cluster = false\n")
    apt_install("postgresql")


def _as_owner(cmd: list[str], *, what: str) -> str:
    """Run a server command as the `postgres` OS user when we are root, else as ourselves."""
    prefix = ["runuser", "-u", OWNER, "--"] if os.geteuid() == 0 else []
    return run([*prefix, *cmd], what=what, quiet=True)


def _socket_dir(s: Settings) -> Path:
    return s.postgres_dir / "run"


def init_cluster(s: Settings, bin_dir: Path) -> None:
    """initdb once into `.infra/postgres/data` (local trust, password over TCP)."""
    data = s.postgres_dir / "data"
    if (data / "PG_VERSION").exists():
        return
    _socket_dir(s).mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(s.postgres_dir, OWNER, OWNER)
        shutil.chown(_socket_dir(s), OWNER, OWNER)
    _as_owner(
        [
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
        ],
        what="initdb",
    )
    settings = [*CONF, f"unix_socket_directories = '{_socket_dir(s)}'"]
    with (data / "postgresql.conf").open("a") as conf:
        conf.write("\n# scripts/infra.py\n" + "\n".join(settings) + "\n")


def _start(s: Settings, bin_dir: Path) -> None:
    data, log = s.postgres_dir / "data", s.postgres_dir / "postgres.log"
    _as_owner(
        [
            str(bin_dir / "pg_ctl"),
            "start",
            "-W",
            "-D",
            str(data),
            "-l",
            str(log),
            "-o",
            f"-p {s.pg_port}",
        ],
        what="pg_ctl start",
    )
    try:
        waited = wait_until(lambda: _isready(s), timeout=READY_TIMEOUT_S, what="postgres")
    except InfraError:
        print(tail(log), file=sys.stderr)
        raise
    print(f"  postgres accepting connections after {waited:.1f} s")


def _isready(s: Settings) -> bool:
    pg_isready = shutil.which("pg_isready") or "pg_isready"
    cmd = [pg_isready, "-q", "-h", str(_socket_dir(s)), "-p", str(s.pg_port)]
    return subprocess.run(cmd, check=False).returncode == 0


def _refuse_foreign_port(s: Settings, bin_dir: Path) -> None:
    cmd = [str(bin_dir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(s.pg_port)]
    if subprocess.run(cmd, check=False).returncode != 2:
        raise InfraError(
            f"port {s.pg_port} answers but is not the cluster in {s.postgres_dir}; "
            "stop it, set PGPORT_TICKETING, or point DATABASE_URL at it"
        )


def _psql(s: Settings, bin_dir: Path, sql: str) -> str:
    cmd = [
        str(bin_dir / "psql"),
        "-h",
        str(_socket_dir(s)),
        "-p",
        str(s.pg_port),
        "-U",
        "postgres",
        "-d",
        "postgres",
        "-v",
        "ON_ERROR_STOP=1",
        "-tAc",
        sql,
    ]
    return _as_owner(cmd, what="psql").strip()


def _create_role_and_database(s: Settings, bin_dir: Path) -> None:
    if not _psql(s, bin_dir, "SELECT 1 FROM pg_roles WHERE rolname = 'ticketing'"):
        _psql(s, bin_dir, "CREATE ROLE ticketing LOGIN SUPERUSER PASSWORD 'ticketing'")
    if not _psql(s, bin_dir, "SELECT 1 FROM pg_database WHERE datname = 'ticketing'"):
        _psql(s, bin_dir, "CREATE DATABASE ticketing OWNER ticketing")


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
