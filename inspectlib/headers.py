"""Match the headers of a real file onto canonical column names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from inspectlib.schema import Column

_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "[": "(", "]": ")"})


def header_key(header: object) -> str:
    """Reduce a header to a comparison key.

    Full-width characters become half-width (NFKC), brackets of any kind become ``()``,
    spaces, underscores, hyphens and a trailing ``*`` (the "required" marker of many forms)
    are dropped, and letters are lower-cased.

    Examples
    --------
    >>> header_key(" 所属镇（区） ")
    '所属镇(区)'
    >>> header_key("Firm ID")
    'firmid'
    """
    text = unicodedata.normalize("NFKC", str(header)).translate(_BRACKETS)
    text = re.sub(r"[\s_\-*:：]+", "", text)
    return text.lower()


def match_headers(headers: Sequence[object], columns: Iterable[Column]) -> dict[str, str]:
    """Map canonical names to the file's headers.

    Parameters
    ----------
    headers : sequence
        Headers exactly as they appear in the file.
    columns : iterable of Column
        The column specs of the input kind.

    Returns
    -------
    dict
        ``{canonical_name: header_in_file}`` for every spec found. A header is matched by its
        canonical name or any alias after :func:`header_key` normalisation; the first
        matching header wins.
    """
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(header_key(header), str(header))
    found: dict[str, str] = {}
    for column in columns:
        for candidate in (column.name, *column.aliases):
            header = by_key.get(header_key(candidate))
            if header is not None and header not in found.values():
                found[column.name] = header
                break
    return found


def ambiguous_headers(headers: Sequence[object], columns: Iterable[Column]) -> dict[str, list[str]]:
    """Canonical columns that more than one header of the file could be.

    A register with both ``企业名称`` and ``名称`` names two columns ``name``: reading the
    first and ignoring the other would be a silent guess.

    Returns
    -------
    dict
        ``{canonical_name: [header, header, ...]}`` (file order) for each such column.

    Examples
    --------
    >>> from inspectlib.schema import REGISTER
    >>> ambiguous_headers(["信用代码", "企业名称", "名称"], REGISTER)
    {'name': ['企业名称', '名称']}
    """
    out: dict[str, list[str]] = {}
    for column in columns:
        keys = {header_key(c) for c in (column.name, *column.aliases)}
        hits = [str(h) for h in headers if header_key(h) in keys]
        if len(hits) > 1:
            out[column.name] = hits
    return out
