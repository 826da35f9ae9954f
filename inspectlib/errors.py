"""Errors and input problems.

Every problem with an input file is a :class:`Problem` that names the file, the row (as
the user sees it in Excel or a text editor: the header is the row above the first data row)
and the column. Problems are either errors (the row cannot be used) or warnings (the row is
used, but someone should look at it). A load that finds errors raises :class:`InputError`
carrying all of them, so the CLI can print one line per problem and exit 1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

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


def quoted_list(values: Iterable[object], limit: int = MAX_QUOTED) -> str:
    """``values`` quoted one by one (``'a', 'b'``), as many whole ones as fit in ``limit``
    characters, then ``…``: names from a file, never cut inside a quote.

    Examples
    --------
    >>> quoted_list(["企业名称", "town"])
    "'企业名称', 'town'"
    >>> quoted_list(["x" * 8] * 5, 30)
    "'xxxxxxxx', 'xxxxxxxx', …"
    """
    shown: list[str] = []
    used = 0
    for value in values:
        item = repr(shorten(value, limit // 2))
        if shown and used + len(item) + 2 > limit:
            shown.append("…")
            break
        shown.append(item)
        used += len(item) + 2
    return ", ".join(shown)


class Message(str):
    """Words for a person: a catalogue key and the values to fill in, in either language.

    Loaders and checks return messages; the edge (the CLI, a report) renders them in the
    output's language (:mod:`inspectlib.catalogue`). As a ``str`` a message is its English
    text (for logs, and for code that reads it as text). A value that is itself a
    :class:`Message` (or any value with a ``render(language)`` method) is rendered in the
    same language; a list or tuple of messages is joined (``、`` in Chinese, ``, `` in
    English). A message missing a value (``{value}`` of a per-row template) is its template.

    Parameters
    ----------
    key : str
        ``"domain.group.key"`` of a catalogue entry, e.g. ``"problems.table.file_not_found"``.
    **values
        The entry's ``{placeholders}``.

    Examples
    --------
    >>> said = Message("problems.table.file_not_found")
    >>> said.render("zh"), str(said)
    ('找不到文件', 'file not found')
    """

    key: str
    values: Mapping[str, Any]

    def __new__(cls, key: str, /, **values: Any) -> Message:
        from inspectlib import catalogue  # the catalogue imports this module

        try:
            english = fill_words(key, "en", values)
        except (KeyError, IndexError):  # a template still waiting for a value
            english = catalogue.text(key, "en")
        said = super().__new__(cls, english)
        said.key, said.values = key, values
        return said

    def __reduce__(self):  # pickled (worker processes) as key and values
        return (_message, (self.key, dict(self.values)))

    def render(self, language: str) -> str:
        """The message in ``language`` (``"zh"`` or ``"en"``)."""
        return fill_words(self.key, language, self.values)

    def with_values(self, **values: Any) -> Message:
        """A copy with more (or other) values filled in."""
        return Message(self.key, **{**self.values, **values})

    def __str__(self) -> str:
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"Message({self.key!r}, {dict(self.values)!r})"


def _message(key: str, values: dict[str, Any]) -> Message:
    return Message(key, **values)


def fill_words(key: str, language: str, values: Mapping[str, Any]) -> str:
    """The catalogue entry ``key`` in ``language`` with ``values`` filled in: the one way
    words get their values (:class:`Message` and :class:`~inspectlib.notices.Notice` both
    use it). A value with a ``render(language)`` method is rendered in that language; a list
    or tuple is joined (``、`` in Chinese, ``, `` in English), its items rendered likewise.

    Examples
    --------
    >>> fill_words("teams.notices.rule_dropped", "zh", {"agency": "住建局"})
    '参数 agencies 中没有住建局，已不执行“每个检查组须有住建局人员”的规定'
    """
    from inspectlib import catalogue

    filled = {name: _render_value(v, language) for name, v in values.items()}
    return catalogue.text(key, language, **filled)


class Detail:
    """A library's own words about a failure (an exception's text, a GEOS reason): shown in
    English lines, left out of Chinese ones, which say what is wrong in their own words.
    A catalogue entry places ``{detail}`` where the zh text needs nothing.

    Examples
    --------
    >>> said = Message("problems.table.unreadable", reason=Detail("Expected 3 columns"))
    >>> str(said), said.render("zh")
    ('cannot read the file: Expected 3 columns', '无法读取该文件（格式有误）')
    """

    __slots__ = ("text",)

    def __init__(self, text: object, limit: int = MAX_QUOTED) -> None:
        self.text = shorten(text, limit)

    def render(self, language: str) -> str:
        return self.text if language == "en" else ""

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Both:
    """A value already said in each language (a campaign's name, a rule described), to fill
    a :class:`Message`; plain text, so that errors carrying it cross process boundaries.

    Examples
    --------
    >>> police = Both("公安局", "public security")
    >>> Message("teams.notices.rule_dropped", agency=police).render("en")
    'team rule "every team includes a public security inspector" dropped: public security is not in params.agencies'
    """

    zh: str
    en: str

    @classmethod
    def of(cls, words_in: Callable[[str], str]) -> Both:
        """``words_in(language)`` in each language."""
        return cls(zh=words_in("zh"), en=words_in("en"))

    def render(self, language: str) -> str:
        return self.zh if language == "zh" else self.en

    def __str__(self) -> str:
        return self.en


def _render_value(value: Any, language: str) -> Any:
    """One value of an entry in ``language``: rendered if it can be, lists joined."""
    if callable(getattr(value, "render", None)):  # a Message, or text said in both languages
        return value.render(language)
    if isinstance(value, list | tuple):
        from inspectlib import catalogue

        joiner = catalogue.text("problems.line.list", language)
        return joiner.join(str(_render_value(v, language)) for v in value)
    return value


def render(text: str | Message, language: str) -> str:
    """``text`` in ``language``: a :class:`Message` rendered, a plain string as it is."""
    return text.render(language) if isinstance(text, Message) else str(text)


class InspectlibError(Exception):
    """Base class of every error inspectlib raises on purpose (bad input, bad params, ...).

    Raised with a :class:`Message` (or a list of them, one per line), ``str()`` of the error
    is its English text and :meth:`lines_in` renders it in either language.
    """

    def __init__(self, *args: object) -> None:
        first = args[0] if args else None
        if isinstance(first, list | tuple) and first and all(isinstance(a, Message) for a in first):
            # lines, each a Message (an error that lists what differs, one line each)
            self.said: list[str | Message] = list(first)
            super().__init__("\n".join(map(str, first)), *args[1:])
            return
        self.said = [a for a in args[:1] if isinstance(a, Message)]
        super().__init__(*(str(a) if isinstance(a, Message) else a for a in args))

    def lines_in(self, language: str) -> list[str]:
        """The error's lines for a person, in ``language`` (its own words where it has no
        :class:`Message`)."""
        if self.said:
            return [part for line in self.said for part in render(line, language).splitlines()]
        return str(self).splitlines() or [type(self).__name__]

    def render(self, language: str) -> str:
        """The error in ``language`` on one line (its lines joined by ``; ``), for use as a
        value inside another :class:`Message`."""
        return "; ".join(self.lines_in(language))


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
    said: Message | None = field(default=None, compare=False, repr=False)
    """The message as catalogue key and values (set when ``message`` is given as a
    :class:`Message`; ``message`` then holds its English text, for logs)."""

    def __post_init__(self) -> None:
        if isinstance(self.message, Message):
            object.__setattr__(self, "said", self.message)
            object.__setattr__(self, "message", self.message.render("en"))
        # the last guard against echoing a hostile input: no message grows past this
        if len(self.message) > MAX_MESSAGE:
            object.__setattr__(self, "message", self.message[: MAX_MESSAGE - 1] + "…")
        if self.column is not None and len(self.column) > 80:
            object.__setattr__(self, "column", self.column[:79] + "…")

    def text(self, language: str) -> str:
        """What is wrong, in ``language`` (without the file, row and column)."""
        if self.said is None:
            return self.message
        text = self.said.render(language)
        return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"

    def line(self, language: str = "en") -> str:
        """One line naming severity, file, row and column, in ``language``.

        Examples
        --------
        >>> found = Problem("error", "r.csv", Message("problems.table.empty"), 3, "town")
        >>> found.line("en")
        "error: r.csv, row 3, column 'town': the file is empty"
        >>> found.line("zh")
        '错误：r.csv，第 3 行，“town”列：文件是空的'
        """
        from inspectlib import catalogue

        words = catalogue.words("problems", language)["line"]
        where = [self.file]
        if self.row is not None:
            where.append(words["row"].format(row=self.row))
        if self.column is not None:
            where.append(words["column"].format(column=self.column))
        return words["shape"].format(
            severity=words[self.severity],
            where=words["joiner"].join(where),
            text=self.text(language),
        )

    def __str__(self) -> str:
        return self.line("en")


@dataclass
class Problems:
    """An ordered collection of problems found while reading one or more files."""

    items: list[Problem] = field(default_factory=list)

    def error(
        self,
        file: str | Path,
        message: str | Message,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        """Record an error (the row or file cannot be used)."""
        self.items.append(Problem("error", str(file), message, row, column))

    def warning(
        self,
        file: str | Path,
        message: str | Message,
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

    def lines_in(self, language: str) -> list[str]:
        """One line per problem, errors first, in ``language``."""
        ordered = sorted(self.problems, key=lambda p: p.severity != "error")
        return [problem.line(language) for problem in ordered]

    @classmethod
    def single(
        cls,
        file: str | Path,
        message: str | Message,
        row: int | None = None,
        column: str | None = None,
    ) -> InputError:
        """Build an error about one place in one file."""
        return cls(Problem("error", str(file), message, row, column))


class ParamsError(InspectlibError):
    """A params file or ``--set`` value is invalid (unknown key, wrong type, impossible value).

    Carries one line per problem (``lines``), each naming the file and the key; ``str()``
    puts them on separate lines so that the CLI prints every one.
    """

    def __init__(self, lines: str | Message | Iterable[str | Message]):
        said = [lines] if isinstance(lines, str | Message) else list(lines)
        super().__init__("\n".join(str(line) for line in said))
        self.said = said
        self.lines: list[str] = [str(line) for line in said]  # type: ignore[assignment]
        """Every line in English (for logs); :meth:`lines_in` renders them in a language."""

    def lines_in(self, language: str) -> list[str]:
        """Every line in ``language``."""
        return [render(line, language) for line in self.said]


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
        cell = (
            Message("cli.run.cell", index=cell_index)
            if cell_index is not None
            else Message("cli.run.a_cell")
        )
        tail = Message("cli.run.kept", kept=kept) if kept else ""
        super().__init__(
            Message(
                "cli.run.failed",
                notebook=notebook,
                cell=cell,
                ename=ename,
                evalue=evalue,
                tail=tail,
            )
        )

    def __reduce__(self):  # pickled by worker processes: rebuilt from its fields
        return (
            RunError,
            (self.notebook, self.cell_index, self.ename, self.evalue, self.kept),
        )
