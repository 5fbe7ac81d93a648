"""A throw-away PostgreSQL server for the tests: ``initdb`` into a temporary folder, listening on a
UNIX socket in that folder only (``listen_addresses=''``), run as ``nobody`` when the tests run as
root (postgres refuses root), stopped and removed by ``stop()``."""
from __future__ import annotations

import glob
import os
import pathlib
import shutil
import subprocess
import tempfile

INSTALL = "sudo apt-get install postgresql (`make system-packages` does it)"
NOBODY = 65534


def server_bin() -> pathlib.Path:
    """The newest ``/usr/lib/postgresql/*/bin`` that holds initdb and pg_ctl (Debian's layout)."""
    found = [pathlib.Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")
             if os.access(pathlib.Path(p).parent / "pg_ctl", os.X_OK)]
    if not found:
        raise RuntimeError(f"PostgreSQL's server programs (initdb, pg_ctl) are not installed under "
                           f"/usr/lib/postgresql/*/bin; install them: {INSTALL}")
    return max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)


class PostgresServer:
    def __init__(self):
        self.bin = server_bin()
        self.folder = pathlib.Path(tempfile.mkdtemp(prefix="autograder-pg-"))  # not below root's 0700 tmp
        self.data = self.folder / "data"
        self.as_user = []
        if os.geteuid() == 0:
            os.chown(self.folder, NOBODY, NOBODY)
            self.as_user = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        self.started = False

    def _run(self, *command: str) -> None:
        done = subprocess.run([*self.as_user, *command], capture_output=True, text=True, cwd=self.folder,
                              env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"})
        if done.returncode:
            log = self.folder / "server.log"
            raise RuntimeError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()}"
                               + (f"\nserver log:\n{log.read_text()}" if log.exists() else ""))

    def start(self) -> PostgresServer:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--no-sync", "-E", "UTF8")
        options = f"-c listen_addresses='' -c unix_socket_directories='{self.folder}' -c fsync=off"
        self.started = True
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.folder}"

    def create_database(self, name: str) -> str:
        """A new empty database; its SQLAlchemy URL."""
        import psycopg

        with psycopg.connect(dbname="postgres", user="postgres", host=str(self.folder), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            if self.started:
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
