"""Conversions between pandas frames and database rows, shared by the archive's tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection


def insert_for(conn: Connection, table: sa.Table) -> Any:
    """``INSERT`` of the connection's dialect, which has ``on_conflict_do_nothing``
    (SQLite and PostgreSQL both implement ``INSERT … ON CONFLICT DO NOTHING``)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def dates(values: pd.Series) -> list[dt.date | None]:
    """Calendar dates (None for missing)."""
    stamps = pd.to_datetime(values)
    return [None if pd.isna(v) else v.date() for v in stamps]


def numbers(values: pd.Series, kind: type) -> list[Any]:
    """Python ``int``/``float`` values (None for missing)."""
    return [None if pd.isna(v) else kind(v) for v in values.astype(object)]


def texts(values: pd.Series) -> list[str]:
    """Strings ("" for missing)."""
    return [
        "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
        for v in values.astype(object)
    ]


def column(frame: pd.DataFrame, name: str, default: object) -> pd.Series:
    """``frame[name]``, or ``default`` in every row when the frame has no such column."""
    return frame[name] if name in frame else pd.Series(default, index=frame.index, dtype=object)


def to_frame(rows: Sequence[sa.Row], columns: Sequence[str]) -> pd.DataFrame:
    """A frame of query rows (the right columns even when there are none)."""
    return pd.DataFrame.from_records([tuple(r) for r in rows], columns=list(columns))


def as_datetime(values: pd.Series) -> pd.Series:
    """``datetime64[ns]`` of dates or datetimes (NaT for missing)."""
    return pd.to_datetime(values.astype(object)).astype("datetime64[ns]")


def as_utc(values: pd.Series) -> pd.Series:
    """``datetime64[ns, UTC]``; SQLite returns naive datetimes, stored in UTC."""
    return pd.to_datetime(values.astype(object), utc=True).astype("datetime64[ns, UTC]")
