"""The catalogue: every word inspectlib shows to people, in Chinese and in English.

Algorithms and loaders return codes and values; the words are chosen at the edge (a report,
a map, a spreadsheet, a field document, the planner, a CLI message), in the output's language,
so that a zh output holds no English sentence and an en output no Chinese one.

The entries live in YAML files beside this module, one file per domain (``report.yaml``,
``cli.yaml``, ...). Each entry gives its text in both languages; entries may be grouped::

    summary:
      zh: 从 {eligible:,} 家符合条件的企业中抽取 {selected:,} 家。
      en: '{selected:,} of {eligible:,} eligible firms drawn.'
    how:
      top_risk: {zh: 按风险从高到低选取, en: highest risk first}

Placeholders are :meth:`str.format` fields and must be the same in both languages
(``tests/test_catalogue.py`` checks this, and that no zh entry holds an English sentence).

Examples
--------
>>> text("inputs.warnings.lonlat_swapped", "zh")
'经度、纬度疑似填反，已对调'
>>> words("inputs", "en")["table"]["rows"]
'rows'
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any, Literal

import yaml

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
"""The languages every entry is written in."""


class CatalogueError(LookupError):
    """A domain, key or language the catalogue does not hold (a programming error)."""


def domains() -> list[str]:
    """The catalogue's domains (its YAML files), sorted."""
    folder = resources.files(__package__)
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


@functools.cache
def _entries(domain: str) -> Mapping[str, Any]:
    """The raw entries of one domain: nested groups ending in ``{zh: …, en: …}``."""
    path = resources.files(__package__) / f"{domain}.yaml"
    if not path.is_file():
        raise CatalogueError(f"no catalogue domain {domain!r} (known: {', '.join(domains())})")
    loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(loaded, dict):
        raise CatalogueError(f"catalogue {domain}.yaml is not a mapping of entries")
    return loaded


def is_entry(node: object) -> bool:
    """Whether ``node`` is one entry (its text per language) rather than a group of entries."""
    return isinstance(node, dict) and set(node) == set(LANGUAGES)


def _in_language(node: Any, language: str, where: str) -> Any:
    if is_entry(node):
        return node[language]
    if isinstance(node, dict):
        return {k: _in_language(v, language, f"{where}.{k}") for k, v in node.items()}
    raise CatalogueError(f"catalogue entry {where} must give zh and en text")


@functools.cache
def _words(domain: str, language: str) -> Mapping[str, Any]:
    if language not in LANGUAGES:
        raise CatalogueError(f"language must be one of {LANGUAGES}, not {language!r}")
    return _in_language(dict(_entries(domain)), language, domain)


def words(domain: str, language: str) -> dict[str, Any]:
    """Every entry of ``domain`` in ``language``, groups kept as nested dicts.

    Parameters
    ----------
    domain : str
        A catalogue file without ``.yaml`` (see :func:`domains`).
    language : {"zh", "en"}
        The output's language.

    Returns
    -------
    dict
        A fresh copy (callers may change it).
    """
    return _copy(_words(domain, language))


def _copy(node: Any) -> Any:
    return {k: _copy(v) for k, v in node.items()} if isinstance(node, dict) else node


def text(key: str, language: str, /, **values: Any) -> str:
    """One entry, ``"domain.group.key"``, in ``language``, with ``values`` filled in.

    Raises
    ------
    CatalogueError
        For an unknown key (a programming error, found by the tests).
    """
    domain, _, path = key.partition(".")
    node: Any = _words(domain, language)
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise CatalogueError(f"no catalogue entry {key!r}")
        node = node[part]
    if not isinstance(node, str):
        raise CatalogueError(f"catalogue entry {key!r} is a group, not a text")
    return node.format(**values) if values else node


def entries(domain: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Every entry of ``domain`` as ``("domain.group.key", {"zh": …, "en": …})`` (for checks)."""

    def walk(node: Any, where: str) -> Iterator[tuple[str, dict[str, str]]]:
        if is_entry(node):
            yield where, node
        elif isinstance(node, dict) and node:
            for k, v in node.items():
                yield from walk(v, f"{where}.{k}")
        else:  # not an entry: the checks report it by its languages
            yield where, node if isinstance(node, dict) else {}

    yield from walk(dict(_entries(domain)), domain)


from inspectlib.catalogue.inputs import input_warning_table  # noqa: E402  (uses words())

__all__ = [
    "LANGUAGES",
    "CatalogueError",
    "Language",
    "domains",
    "entries",
    "input_warning_table",
    "is_entry",
    "text",
    "words",
]
