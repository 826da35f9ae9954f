"""Notices: what a planner should read about a plan, as a code and its values.

The draw, the teams, the calendar and the schedule say *what* happened (a code such as
``"schedule.unmatched"`` and values such as ``{"team": "T01", "n": 2}``); the report, the
audit summary and the planner choose the words in the output's language from the catalogue
entry ``<domain>.notices.<key>`` (``schedule.yaml``: ``notices: unmatched: {zh: …, en: …}``).
A notice's ``str()`` is its English text, for logs and developers.

Examples
--------
>>> note = Notice("schedule.unmatched", {"team": "T01", "n": 2})
>>> note.text("zh")
'T01 组：2 次检查未能安排在相应的高温/非高温日（该类日期不足）'
>>> note.as_dict()["code"], note.as_dict()["values"]
('schedule.unmatched', {'team': 'T01', 'n': 2})
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from inspectlib.errors import fill_words


def _plain(value: Any) -> Any:
    """A JSON-ready value: dates as ISO strings, sequences as lists of plain values."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    return value


@dataclass(frozen=True)
class Notice:
    """One thing a planner should read, in no language yet.

    Parameters
    ----------
    code : str
        ``"domain.key"``: the catalogue entry ``domain.notices.key`` holds its words.
    values : mapping
        The placeholders of that entry (numbers, ids, dates; lists are joined in the
        output's language).
    """

    code: str
    values: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", {k: _plain(v) for k, v in self.values.items()})

    @property
    def key(self) -> str:
        """The catalogue key of the notice's words."""
        domain, _, name = self.code.partition(".")
        return f"{domain}.notices.{name}"

    def text(self, language: str) -> str:
        """The notice in ``language`` (``"zh"`` or ``"en"``)."""
        return fill_words(self.key, language, self.values)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready record for the audit: ``code``, ``values`` and the English ``message``."""
        return {"code": self.code, "values": dict(self.values), "message": self.text("en")}

    def __str__(self) -> str:
        return self.text("en")


def notice_text(note: Notice | str | Mapping[str, Any], language: str) -> str:
    """A notice, an audit record of one (:meth:`Notice.as_dict`) or a plain text, in words."""
    if isinstance(note, Notice):
        return note.text(language)
    if isinstance(note, Mapping) and "code" in note:
        return Notice(str(note["code"]), dict(note.get("values") or {})).text(language)
    return str(note)


def notice_records(notes: Iterable[Notice | str]) -> list[Any]:
    """The audit's form of ``notes``: one :meth:`Notice.as_dict` per notice."""
    return [n.as_dict() if isinstance(n, Notice) else str(n) for n in notes]


def codes(notes: Sequence[Notice | str]) -> list[str]:
    """The codes of ``notes`` (for tests and filters)."""
    return [n.code for n in notes if isinstance(n, Notice)]
