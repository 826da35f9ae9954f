"""Which language a piece of text is written in: the checks behind "a zh output holds no
English sentence, an en output no Chinese one" (used by the tests on every output)."""

from __future__ import annotations

import re

ENGLISH_SENTENCE = re.compile(
    r"(?<![\w.@/\\-])[A-Za-z][a-z]+(?:[ \t,;:'’()\-–—]+[A-Za-z][a-z]+){2,}"
)
"""Three or more English words in a row (``SHA-256``, ``audit.json``, ``WGS-84`` or a single
word such as ``Leaflet`` are not sentences; file paths and e-mail addresses are skipped)."""

CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+")
"""A run of Chinese characters or full-width punctuation."""


def english_sentences(text: str) -> list[str]:
    """The English word runs in ``text`` that read as a sentence or phrase.

    Examples
    --------
    >>> english_sentences("抽取 12 家（见 audit.json，SHA-256）")
    []
    >>> english_sentences("2 visits could not be matched to hot days")
    ['visits could not be matched to hot days']
    """
    return [m.group(0) for m in ENGLISH_SENTENCE.finditer(text)]


def chinese_runs(text: str, data: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The Chinese runs in ``text`` that are not one of the ``data`` values (names, towns).

    Examples
    --------
    >>> chinese_runs("Firms in 澄和街道: 12 drawn", {"澄和街道"})
    []
    >>> chinese_runs("Draw 抽取 done")
    ['抽取']
    """
    for value in sorted(data, key=len, reverse=True):
        if value:
            text = text.replace(value, " ")
    return CHINESE.findall(text)
