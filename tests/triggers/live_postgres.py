"""A throw-away PostgreSQL server for a live Airflow (benchmarks): made in a temporary directory, on a free port.

:class:`TempPostgres` runs ``initdb`` and ``pg_ctl`` from the PostgreSQL binaries found on
this machine (``PG_BIN``, ``pg_ctl`` on ``PATH`` or the newest ``/usr/lib/postgresql/*/bin``),
creates an ``airflow`` database (trust authentication, 127.0.0.1 only) and stops the server
and deletes its files on exit. PostgreSQL refuses to run as root: as root it runs as the
``postgres`` user. Airflow reaches it through psycopg2 and, for its async engine, asyncpg
(``pip install psycopg2-binary asyncpg``, what Airflow's ``postgres`` extra installs).
Without binaries or drivers it raises :class:`PostgresUnavailable`, saying what is missing.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.triggers.live_airflow import free_port


class PostgresUnavailable(RuntimeError):
    """This machine cannot run a throw-away PostgreSQL server (the message says why)."""


def pg_bin() -> Path | None:
    """The directory of PostgreSQL's server binaries (``initdb``, ``pg_ctl``), or None."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).resolve().parent  # /usr/local/bin/pg_ctl may be a link into the real directory
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
                   if p.parts[-3].isdigit() else 0)
    return found[-1].parent if found else None


class TempPostgres:
    """A PostgreSQL server for one run (use as a context manager); :attr:`url` is Airflow's connection URL."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir: Path | None = None
        self.bin = pg_bin()

    @property
    def url(self) -> str:
        return f"postgresql+psycopg2://airflow@127.0.0.1:{self.port}/airflow"

    def _run(self, *command: str) -> None:
        assert self.bin is not None
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        done = subprocess.run([*prefix, str(self.bin / command[0]), *command[1:]], capture_output=True, text=True)
        if done.returncode:
            raise PostgresUnavailable(f"{command[0]} failed: {(done.stdout + done.stderr)[-1500:]}")

    def check(self) -> None:
        """Raise :class:`PostgresUnavailable` unless binaries, the drivers (and, as root, a postgres user) are here."""
        if self.bin is None or not all((self.bin / name).exists() for name in ("initdb", "pg_ctl", "createdb")):
            raise PostgresUnavailable("no PostgreSQL server binaries (initdb, pg_ctl, createdb): install PostgreSQL, "
                                      "or set PG_BIN to the directory that holds them")
        try:
            import asyncpg  # noqa: F401
            import psycopg2  # noqa: F401
        except ImportError as error:
            raise PostgresUnavailable(f"Airflow needs psycopg2 and asyncpg for PostgreSQL ({error}): "
                                      "pip install psycopg2-binary asyncpg") from error
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError as error:
                raise PostgresUnavailable("PostgreSQL will not run as root, and there is no 'postgres' user") \
                    from error

    def __enter__(self) -> TempPostgres:
        self.check()
        self.dir = Path(tempfile.mkdtemp(prefix="ac-live-postgres-"))
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
        data = str(self.dir / "data")
        try:
            self._run("initdb", "-D", data, "-A", "trust", "-U", "airflow", "-E", "UTF8", "--no-sync")
            self._run("pg_ctl", "-D", data, "-l", str(self.dir / "server.log"), "-w", "-o",
                      f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1", "start")
            self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "airflow", "airflow")
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self.dir is None:
            return
        if (self.dir / "data" / "postmaster.pid").exists():
            try:
                self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")
            except PostgresUnavailable:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None
