"""Input warnings counted and named for a report (words in ``inputs.yaml``)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from inspectlib import catalogue
from inspectlib.errors import Problem


def input_warning_table(
    problems: Iterable[Problem], language: str = "zh", examples: int = 5
) -> pd.DataFrame:
    """Input warnings counted by file and kind, in ``language``.

    Examples
    --------
    >>> from inspectlib.errors import Problem
    >>> found = [Problem("warning", "/x/r.csv", "swapped", 7, "lon", "lonlat_swapped")]
    >>> input_warning_table(found, "zh").to_dict("records")[0]["提示"]
    '经度、纬度疑似填反，已对调'
    """
    words = catalogue.words("inputs", language)
    named = words["warnings"]
    header = words["table"]
    rows: dict[tuple[str, str], list] = {}
    for problem in problems:
        if problem.severity != "warning":
            continue
        code = problem.code if problem.code in named else "other"
        entry = rows.setdefault((problem.file, code), [0, []])
        entry[0] += problem.rows
        if problem.row is not None and len(entry[1]) < examples:
            entry[1].append(str(problem.row))
    return pd.DataFrame(
        [
            {
                header["file"]: file.replace("\\", "/").rsplit("/", 1)[-1],
                header["warning"]: named[code],
                header["rows"]: count,
                header["examples"]: "、".join(shown) if language == "zh" else ", ".join(shown),
            }
            for (file, code), (count, shown) in rows.items()
        ],
        columns=list(header.values()),
    )
