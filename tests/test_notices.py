"""Notices: codes and values, worded from the catalogue in the reader's language."""

from __future__ import annotations

import ast
import datetime as dt
import json
import string
from pathlib import Path

import pytest

from inspectlib import catalogue
from inspectlib.catalogue.languages import chinese_runs, english_sentences
from inspectlib.notices import Notice, codes, notice_records, notice_text

PACKAGE = Path(__file__).resolve().parent.parent / "inspectlib"


def _emitted() -> list[tuple[str, str, set[str] | None]]:
    """Every ``Notice("code", {...})`` the package writes: where, the code and (for a dict
    literal, possibly merged with ``|``) the value names."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Notice"):
                continue
            if not (node.args and isinstance(node.args[0], ast.Constant)):
                continue
            names: set[str] | None = set()
            if len(node.args) > 1:
                value = node.args[1]
                parts = [value]
                while parts and names is not None:
                    part = parts.pop()
                    if isinstance(part, ast.BinOp) and isinstance(part.op, ast.BitOr):
                        parts += [part.left, part.right]
                    elif isinstance(part, ast.Dict):
                        names |= {k.value for k in part.keys if isinstance(k, ast.Constant)}
                    else:
                        names = None  # built elsewhere: only the code is checked
            found.append((f"{path.name}:{node.lineno}", node.args[0].value, names))
    return found


EMITTED = _emitted()


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_package_emits_notices():
    assert {code for _, code, _ in EMITTED} >= {
        "workdays.unknown_year",
        "schedule.unmatched",
        "teams.unavailable",
        "draw.towns_missing",
    }


@pytest.mark.parametrize("where,code,names", EMITTED, ids=[w for w, _, _ in EMITTED])
def test_every_emitted_notice_has_words_for_its_values(where, code, names):
    note = Notice(code)
    for language in catalogue.LANGUAGES:
        template = catalogue.text(note.key, language)  # raises for an unknown code
        if names is not None:
            assert _fields(template) == names, f"{where}: {code} in {language}"


def test_a_notice_in_both_languages_with_lists_and_dates():
    note = Notice(
        "teams.unavailable",
        {"n": 2, "start": dt.date(2027, 8, 1), "end": dt.date(2027, 9, 30), "who": ["A", "B"]},
    )
    zh, en = note.text("zh"), note.text("en")
    assert "2027-08-01" in zh and "A、B" in zh and not english_sentences(zh)
    assert "A, B" in en and not chinese_runs(en)
    assert str(note) == en
    record = note.as_dict()
    assert json.loads(json.dumps(record)) == record
    assert record["values"]["start"] == "2027-08-01" and record["message"] == en


def test_notices_compare_and_hash_by_code_and_values():
    a = Notice("teams.redrawn", {"k": 3})
    assert a == Notice("teams.redrawn", {"k": 3}) and a != Notice("teams.redrawn", {"k": 4})
    assert list(dict.fromkeys([a, Notice("teams.redrawn", {"k": 3})])) == [a]
    assert codes([a, "a plain text"]) == ["teams.redrawn"]
    assert notice_records([a, "plain"]) == [a.as_dict(), "plain"]


def test_notice_text_reads_notices_audit_records_and_plain_text():
    a = Notice("draw.towns_missing", {"towns": ["甲镇", "乙镇"]})
    assert notice_text(a, "zh") == notice_text(a.as_dict(), "zh")
    assert notice_text(a, "zh").endswith("甲镇、乙镇")
    assert notice_text("<b>as given</b>", "en") == "<b>as given</b>"


def test_an_unknown_code_is_refused_when_worded():
    with pytest.raises(catalogue.CatalogueError):
        Notice("schedule.no_such_notice").text("zh")
