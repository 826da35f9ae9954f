"""Errors and input problems.

Every problem with an input file is a :class:`Problem` that names the file, the row (as
the user sees it in Excel or a text editor: the header is the row above the first data row)
and the column. Problems are either errors (the row cannot be used) or warnings (the row is
used, but someone should look at it). A load that finds errors raises :class:`InputError`
carrying all of them, so the CLI can print one line per problem and exit 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]

MAX_QUOTED = 200
"""Longest text (a value, a list of headers, an exception) quoted in a message."""

MAX_MESSAGE = 1_000
"""Longest problem message; values quoted inside are cut much shorter where they are quoted."""


def shorten(value: object, limit: int = MAX_QUOTED) -> str:
    """``value`` as text, cut to ``limit`` characters (with ``…``) for a message.

    Examples
    --------
    >>> shorten("x" * 500, 10)
    'xxxxxxxxx…'
    """
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class InspectlibError(Exception):
    """Base class of every error inspectlib raises on purpose (bad input, bad params, ...)."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    Parameters
    ----------
    severity : {"error", "warning"}
        Errors stop the run; warnings are rows that can still be used.
    file : str
        File name as the user gave it.
    message : str
        What is wrong, in plain words, showing the bad value.
    row : int or None
        Row number as shown by Excel / a text editor (1 = first line), or None for the
        whole file.
    column : str or None
        Column header as it appears in the file, or None.
    code : str or None
        What kind of problem this is (e.g. ``lonlat_swapped``), for reports that count and
        name problems in their own language (:mod:`inspectlib.catalogue`).
    rows : int
        How many rows the problem stands for (a summary line "and 1,234 more rows like this"
        stands for 1,234).
    """

    severity: Severity
    file: str
    message: str
    row: int | None = None
    column: str | None = None
    code: str | None = None
    rows: int = 1

    def __post_init__(self) -> None:
        # the last guard against echoing a hostile input: no message grows past this
        if len(self.message) > MAX_MESSAGE:
            object.__setattr__(self, "message", self.message[: MAX_MESSAGE - 1] + "…")
        if self.column is not None and len(self.column) > 80:
            object.__setattr__(self, "column", self.column[:79] + "…")

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        return f"{self.severity}: {where}: {self.message}"


@dataclass
class Problems:
    """An ordered collection of problems found while reading one or more files."""

    items: list[Problem] = field(default_factory=list)

    def error(
        self, file: str | Path, message: str, row: int | None = None, column: str | None = None
    ) -> None:
        """Record an error (the row or file cannot be used)."""
        self.items.append(Problem("error", str(file), message, row, column))

    def warning(
        self,
        file: str | Path,
        message: str,
        row: int | None = None,
        column: str | None = None,
        code: str | None = None,
        rows: int = 1,
    ) -> None:
        """Record a warning (the row is used as it is or as repaired)."""
        self.items.append(Problem("warning", str(file), message, row, column, code, rows))

    def extend(self, other: Iterable[Problem]) -> None:
        """Append problems from another collection."""
        self.items.extend(other)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def errors(self) -> list[Problem]:
        """The problems of severity ``error``."""
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems of severity ``warning``."""
        return [p for p in self.items if p.severity == "warning"]

    def raise_if_errors(self) -> None:
        """Raise :class:`InputError` with every problem if any of them is an error."""
        if self.errors:
            raise InputError(self.items)


class InputError(InspectlibError):
    """One or more input files have errors; carries every problem found."""

    def __init__(self, problems: Iterable[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        first = errors[0] if errors else self.problems[0]
        more = f" (and {len(errors) - 1} more errors)" if len(errors) > 1 else ""
        super().__init__(f"{first}{more}")

    @classmethod
    def single(
        cls, file: str | Path, message: str, row: int | None = None, column: str | None = None
    ) -> InputError:
        """Build an error about one place in one file."""
        return cls(Problem("error", str(file), message, row, column))


class ParamsError(InspectlibError):
    """A params file or ``--set`` value is invalid (unknown key, wrong type, impossible value).

    Carries one line per problem (``lines``), each naming the file and the key; ``str()``
    puts them on separate lines so that the CLI prints every one.
    """

    def __init__(self, lines: str | Iterable[str]):
        self.lines: list[str] = [lines] if isinstance(lines, str) else list(lines)
        super().__init__("\n".join(self.lines))


class PlanningError(InspectlibError):
    """The inputs are valid but the plan cannot be made (e.g. the roster cannot form teams)."""


class RunError(InspectlibError):
    """A notebook run failed; names the notebook, the cell and the error."""

    def __init__(
        self,
        notebook: str,
        cell_index: int | None,
        ename: str,
        evalue: str,
        kept: str | None = None,
    ):
        self.notebook, self.cell_index, self.ename, self.evalue, self.kept = (
            notebook,
            cell_index,
            ename,
            evalue,
            kept,
        )
        cell = f"cell {cell_index}" if cell_index is not None else "a cell"
        tail = f"; partial notebook kept at {kept}" if kept else ""
        super().__init__(f"{notebook}: {cell} failed: {ename}: {evalue}{tail}")
