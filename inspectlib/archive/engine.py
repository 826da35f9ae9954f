"""Engines for the archive's two databases: SQLite (default) and PostgreSQL.

SQLite is set up for several processes writing at once: WAL journal (readers never block
the writer), a busy timeout (a writer waits for the lock instead of failing), foreign keys on,
and write transactions that start with ``BEGIN IMMEDIATE`` (they take the write lock at the
start, so a transaction never fails half-way because another writer got in first). pysqlite's
own transaction handling is switched off so that SQLAlchemy's ``begin`` is the only one.

PostgreSQL runs at its default READ COMMITTED isolation; concurrent writers are made safe by
``INSERT … ON CONFLICT DO NOTHING`` on natural keys, rows inserted in key order (no
deadlocks), and :func:`write_transaction` retrying a transaction the server chose to abort
(deadlock, serialization failure).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from inspectlib.errors import Detail, Message

from .schema import ArchiveError

log = logging.getLogger(__name__)

T = TypeVar("T")

BUSY_TIMEOUT_S = 60.0
"""How long an SQLite writer waits for another writer's lock before giving up."""

SUPPORTED = ("sqlite", "postgresql")
_RETRY_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected
_RETRIES = 5


def parse_store(store: str | URL) -> URL:
    """The SQLAlchemy URL of a ``store`` setting, with PostgreSQL's driver made explicit.

    ``postgresql://…`` means psycopg 3 (the driver inspectlib depends on); other backends
    than SQLite and PostgreSQL are refused.

    Raises
    ------
    ArchiveError
        For a malformed URL or an unsupported backend.

    Examples
    --------
    >>> parse_store("postgresql://planner@db.example/archive").drivername
    'postgresql+psycopg'
    """
    try:
        url = make_url(store)
    except ArgumentError as exc:
        raise ArchiveError(
            Message("cli.archive.not_a_url", store=repr(store), detail=Detail(exc))
        ) from None
    backend = url.get_backend_name()
    if backend not in SUPPORTED:
        raise ArchiveError(Message("cli.archive.unsupported", store=repr(store)))
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url


def create_archive_engine(url: URL) -> sa.Engine:
    """An engine for ``url`` set up for concurrent writers (see the module docstring).

    Write transactions must use ``engine.execution_options(archive_write=True)``.
    """
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return sa.create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=2)


def _sqlite_engine(url: URL) -> sa.Engine:
    file = url.database
    if file and file != ":memory:" and not file.startswith("file:"):
        Path(file).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" below emits BEGIN
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()
            if mode and str(mode[0]).lower() == "wal":
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("archive_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _retryable(exc: DBAPIError) -> bool:
    return getattr(exc.orig, "sqlstate", None) in _RETRY_SQLSTATES


def write_transaction(engine: sa.Engine, work: Callable[[Connection], T]) -> T:
    """Run ``work(connection)`` in one write transaction; commit if it returns.

    Any exception rolls the whole transaction back. PostgreSQL deadlocks and serialization
    failures are retried (up to 5 times, with a short back-off); an SQLite archive still
    locked after :data:`BUSY_TIMEOUT_S` raises :class:`ArchiveError`.
    """
    writer = engine.execution_options(archive_write=True)
    for attempt in range(1, _RETRIES + 1):
        try:
            with writer.begin() as conn:
                return work(conn)
        except OperationalError as exc:
            if _retryable(exc) and attempt < _RETRIES:
                log.info("archive: transaction aborted by the server (%s); retrying", exc.orig)
                time.sleep(0.05 * attempt)
                continue
            if "database is locked" in str(exc.orig):
                raise ArchiveError(
                    Message(
                        "cli.archive.locked",
                        url=engine.url.render_as_string(hide_password=True),
                        seconds=BUSY_TIMEOUT_S,
                    )
                ) from exc

            raise
    raise AssertionError("unreachable")  # pragma: no cover
