"""A throwaway PostgreSQL server for the archive tests.

:func:`postgres_url` (a session-scoped pytest fixture) creates a fresh cluster in a
temporary folder with Debian's ``initdb``, starts it on ``127.0.0.1`` at a free port as an
unprivileged user (the ``postgres`` system user when the tests run as root, since PostgreSQL
refuses to run as root), and stops and deletes it at the end of the session. Authentication is
``trust``; durability is switched off (``fsync=off``) because nothing here must survive.

:func:`fresh_database` makes an empty database on that server, so each test gets its own.

The PostgreSQL binaries are not a Python dependency: ``make test`` installs Debian's
``postgresql`` package. Without them the fixture **fails** (it does not skip), so a green
run always means the archive was tested on PostgreSQL too.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import free_port

SUPERUSER = "postgres"
"""Database superuser created by ``initdb`` (trust authentication, no password)."""

_MISSING = (
    "PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin "
    "or on PATH: run `make test`, which installs Debian's postgresql package "
    "(or `apt-get install postgresql`). The archive tests must run on PostgreSQL too."
)
_names = itertools.count(1)


def find_pg_bin() -> Path | None:
    """Folder holding ``initdb``, ``pg_ctl`` and ``postgres`` (the newest installed)."""
    override = os.environ.get("INSPECTLIB_PG_BIN")
    if override:
        return Path(override)
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if found:
        newest = max(found, key=lambda p: int(Path(p).parts[-3].split(".")[0]))
        return Path(newest).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_server_user(argv: list[str]) -> list[str]:
    """Run as the ``postgres`` system user when we are root; as ourselves otherwise."""
    if os.geteuid() != 0:
        return argv
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", "postgres", "--", *argv]
    return ["su", "postgres", "-s", "/bin/sh", "-c", subprocess.list2cmdline(argv)]


def _run(argv: list[str], what: str, log: Path | None = None) -> None:
    done = subprocess.run(_as_server_user(argv), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
        pytest.fail(
            f"{what} failed (exit {done.returncode}): {' '.join(argv)}\n"
            f"{done.stdout}\n{done.stderr}\n{tail}",
            pytrace=False,
        )


def _connect(url_parts: dict[str, object], dbname: str):
    import psycopg

    return psycopg.connect(
        host=url_parts["host"],
        port=url_parts["port"],
        user=SUPERUSER,
        dbname=dbname,
        autocommit=True,
        connect_timeout=10,
    )


def fresh_database(postgres_url: str, prefix: str = "t") -> str:
    """Create an empty database on the test server; return its SQLAlchemy URL."""
    from sqlalchemy.engine import make_url

    url = make_url(postgres_url)
    name = f"{prefix}_{os.getpid()}_{next(_names)}"
    with _connect({"host": url.host, "port": url.port}, url.database or "postgres") as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of an empty database on a throwaway PostgreSQL server (session-scoped).

    ``INSPECTLIB_TEST_POSTGRES_URL`` points the tests at an existing server instead (its
    superuser must be able to ``CREATE DATABASE``).
    """
    existing = os.environ.get("INSPECTLIB_TEST_POSTGRES_URL")
    if existing:
        yield existing
        return
    bin_dir = find_pg_bin()
    if bin_dir is None or not (bin_dir / "pg_ctl").exists():
        pytest.fail(_MISSING, pytrace=False)
    if os.geteuid() == 0:
        try:
            server_user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail(
                "running as root but there is no 'postgres' system user to run the test "
                "server as: run `make test` (Debian's postgresql package creates it)",
                pytrace=False,
            )
    base = Path(tempfile.mkdtemp(prefix="inspectlib-pg-"))
    data, sockets, log = base / "data", base / "sockets", base / "server.log"
    sockets.mkdir()
    if os.geteuid() == 0:
        for path in (base, sockets):
            os.chown(path, server_user.pw_uid, server_user.pw_gid)
    os.chmod(base, 0o700)
    started = False
    try:
        _run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
            "initdb",
        )
        for _attempt in range(3):  # the free port can be taken between probe and start
            port = free_port()
            options = (
                f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            )
            argv = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log)]
            done = subprocess.run(
                _as_server_user([*argv, "-o", options, "-w", "-t", "60", "start"]),
                capture_output=True,
                text=True,
                timeout=120,
            )
            if done.returncode == 0:
                started = True
                break
        if not started:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            pytest.fail(
                f"pg_ctl start failed:\n{done.stdout}\n{done.stderr}\n{tail}", pytrace=False
            )
        with _connect({"host": "127.0.0.1", "port": port}, "postgres") as conn:
            conn.execute('CREATE DATABASE "inspectlib_test"')
        yield f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/inspectlib_test"
    finally:
        if started:
            subprocess.run(
                _as_server_user(
                    [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
                ),
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(base, ignore_errors=True)
