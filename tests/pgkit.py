"""A throwaway PostgreSQL server for tests: Debian's `initdb` and `pg_ctl` in a fresh folder,
on a free loopback port, stopped and deleted afterwards.

PostgreSQL refuses to run as root, so when the tests run as root (containers, CI) the server
runs as Debian's unprivileged ``postgres`` account.
"""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from autograder.instructor.hub import free_port

SUPERUSER = "course"            # the database role the tests connect as (trust, loopback only)


def postgres_bin() -> Path:
    """The newest Debian PostgreSQL's bin folder (/usr/lib/postgresql/<version>/bin)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError("PostgreSQL's initdb is not installed: `apt-get install postgresql` "
                       "(Debian; .ci/run does it) or put its bin folder on PATH")


class PostgresServer:
    """``with PostgresServer(env=...) as pg: url = pg.create_database("demo")``."""

    def __init__(self, env: dict | None = None, deadline: float = 120.0):
        self.bin = postgres_bin()
        self.env = dict(os.environ if env is None else env)
        self.deadline = deadline
        # The server's account must reach its folder: not under root's 0700 pytest folders.
        self.folder = Path(tempfile.mkdtemp(prefix="course-pg-"))
        self.account = "postgres" if os.geteuid() == 0 else None
        if self.account:
            try:
                entry = pwd.getpwnam(self.account)
            except KeyError:
                raise RuntimeError("tests run as root, and PostgreSQL needs an unprivileged account: "
                                   "Debian's postgresql package creates `postgres`") from None
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self.data = self.folder / "data"
        self.port = free_port()
        self.running = False

    def _run(self, *args: str, timeout: float | None = None) -> str:
        out = subprocess.run([str(self.bin / args[0]), *args[1:]], user=self.account, cwd=self.folder,
                             env=self.env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                             timeout=timeout or self.deadline)
        if out.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed ({out.returncode}): {out.stdout}{out.stderr}")
        return out.stdout

    def start(self) -> "PostgresServer":
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                  "--no-instructions")
        # Loopback TCP only, its socket in its own folder; fsync off: the data is thrown away.
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-o", options,
                  "-w", "-t", str(int(self.deadline)), "start", timeout=self.deadline + 30)
        self.running = True
        return self

    def url(self, database: str) -> str:
        """An SQLAlchemy URL (psycopg 3 driver), as COURSE_GRADEBOOK_URL takes it."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        import psycopg
        return psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=database,
                               autocommit=True, connect_timeout=30)

    def create_database(self, name: str) -> str:
        with self.connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """Stop the server (if it runs) and delete its folder."""
        try:
            if self.running:
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", str(int(self.deadline)),
                          "stop", timeout=self.deadline + 30)
                self.running = False
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "PostgresServer":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()
