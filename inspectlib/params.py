"""Campaign run parameters: one pydantic model, used by the CLI and by the notebooks.

Papermill only warns about unknown parameters; :func:`load_params` refuses them, checks types
and ranges, and resolves relative paths against the params file's folder, before anything runs.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from inspectlib.errors import Detail, Message, ParamsError
from inspectlib.schema import CAMPAIGN_IDS

CampaignId = Literal["wage", "illegal_employment", "heat", "service_sector"]
PATH_FIELDS = (
    "register",
    "boundaries",
    "roster",
    "weather",
    "findings",
    "warning_points",
    "output_dir",
)


class Office(BaseModel):
    """Where teams start and end their day: a point (WGS-84) or the centre of a town."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    town: str | None = None

    @model_validator(mode="after")
    def _point_or_town(self) -> Office:
        has_point = self.lon is not None and self.lat is not None
        if not has_point and not self.town:
            raise ValueError(Message("params.office_point_or_town"))
        if (self.lon is None) != (self.lat is None):
            raise ValueError(Message("params.office_both"))
        return self


# ``register`` is the contract's name for the firm register; it shadows
# ABCMeta.register on the class, which nothing uses, so pydantic's warning about it is
# silenced while the class is made (and only then).
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message='Field name "register"', category=UserWarning)

    class CampaignParams(BaseModel):
        """Parameters of one campaign run (DESIGN.md §5).

        Relative paths are relative to the params file. ``None`` for a window or a count means
        "the campaign's default" (see :mod:`inspectlib.campaigns`).
        """

        model_config = ConfigDict(extra="forbid", validate_assignment=True)

        campaign: CampaignId
        year: int = Field(..., ge=2000, le=2100)
        window_start: dt.date | None = None
        window_end: dt.date | None = None
        target_firms: int | None = Field(None, ge=1, le=100_000)
        random_share: float = Field(0.05, ge=0.0, le=1.0)
        selection: Literal["risk_weighted", "top_risk", "random"] = "risk_weighted"
        risk_pool_factor: float = Field(5.0, ge=1.0, le=10_000.0)  # risk_weighted band size
        draw_loss: float = Field(0.03, ge=0.0, lt=1.0)  # risk band: top-list hits given up
        seed: int = Field(..., ge=0, le=2**63 - 1)
        register: Path = Field(...)  # required: the parent class has a "register" attribute
        boundaries: Path
        roster: Path
        weather: Path | None = None
        findings: list[Path] = Field(default_factory=list)
        warning_points: Path | None = None
        store: str | None = None
        agencies: list[str] | None = None
        team_size: int = Field(2, ge=2, le=10)
        min_officers: int = Field(2, ge=0)  # members with a law-enforcement credential per team
        firms_per_team_day: int = Field(4, ge=1, le=30)
        teams: int | None = Field(
            None, ge=1, le=200
        )  # number of inspection teams; None = automatic
        risk_model: Literal["auto", "expert", "learned"] = "auto"  # auto: learned only if it wins
        exclude_inspected_within_days: int = Field(365, ge=0, le=3650)
        publication_workdays: int = Field(20, ge=1, le=120)  # results public within (一公开)
        results_published_on: dt.date | None = None  # when the public list went out
        towns: list[str] | None = None
        town_quota: Literal["none", "proportional", "minimum"] = "none"
        town_minimum: int = Field(0, ge=0)
        office: Office | None = None
        coords: Literal["wgs84", "gcj02", "bd09"] = "wgs84"
        tiles: Literal["none", "osm", "gaode"] = "none"
        language: Literal["zh", "en"] = "zh"
        weights: dict[str, float] = Field(default_factory=dict)
        synthetic: bool = False
        output_dir: Path = Path("outputs")

        @model_validator(mode="after")
        def _window_order(self) -> CampaignParams:
            if self.window_start and self.window_end and self.window_end < self.window_start:
                raise ValueError(
                    Message("params.window_backwards", end=self.window_end, start=self.window_start)
                )
            for name in ("window_start", "window_end"):
                day = getattr(self, name)
                if day is not None and day.year != self.year:
                    raise ValueError(
                        Message("params.window_year", key=name, day=day, year=self.year)
                    )
            return self

        def resolve_paths(self, base: Path) -> CampaignParams:
            """Return a copy whose relative paths are made absolute against ``base``."""
            update: dict[str, Any] = {}
            for name in PATH_FIELDS:
                value = getattr(self, name)
                if isinstance(value, list):
                    update[name] = [resolve_path(p, base) for p in value]
                elif isinstance(value, Path):
                    update[name] = resolve_path(value, base)
            update["store"] = resolve_store(self.store, base) if self.store else default_store(base)
            return self.model_copy(update=update)


def resolve_path(path: Path, base: Path) -> Path:
    """``path`` made absolute against ``base`` (the params file's folder)."""
    return path if path.is_absolute() else (base / path).resolve()


def resolve_store(store: str, base: Path) -> str:
    """A relative SQLite file in an SQLAlchemy URL made absolute; other URLs unchanged."""
    if store.startswith("sqlite:///") and not store.startswith("sqlite:////"):
        return "sqlite:///" + str(resolve_path(Path(store[len("sqlite:///") :]), base))
    return store


_NOT_PARAMS = {"In", "Out", "get_ipython", "exit", "quit", "open", "params_dir"}
_PLAIN = (str, int, float, bool, list, dict, type(None))


def namespace_params(namespace: Mapping[str, Any], fields: Iterable[str]) -> tuple[dict, Path]:
    """A notebook's parameters (its ``parameters`` cell plus what papermill injected).

    Returns the values of ``fields`` and the folder relative paths are relative to
    (``params_dir``). Every other plain value in ``namespace`` is an unknown key, which
    papermill alone would only warn about.

    Raises
    ------
    ParamsError
        Naming the unknown keys.
    """
    fields = set(fields)
    unknown = sorted(
        k
        for k, v in namespace.items()
        if not k.startswith("_")
        and k not in fields
        and k not in _NOT_PARAMS
        and isinstance(v, _PLAIN)
    )
    if unknown:
        raise ParamsError(Message("params.notebook_unknown", keys=", ".join(map(repr, unknown))))
    # None is "not given": the params model's default applies (the only source of defaults)
    raw = {k: v for k, v in namespace.items() if k in fields and v is not None}
    return raw, Path(namespace.get("params_dir") or ".").resolve()


MAX_ERROR_LINES = 20
"""At most this many problems are listed for one params file; the rest are counted."""
MAX_QUOTED = 80
"""Longest value (as written by ``repr``) quoted in a params error."""


def quote_value(value: Any) -> str:
    """A short, safe rendering of a bad value for an error message: containers are
    described by type and size, never printed (a YAML alias bomb expands to millions of
    items), and long texts are cut to :data:`MAX_QUOTED` characters."""
    if isinstance(value, dict | list | tuple | set):
        return f"a {type(value).__name__} of {len(value):,} items"
    text = repr(value)
    return text if len(text) <= MAX_QUOTED else text[: MAX_QUOTED - 1] + "…"


PYDANTIC_ERRORS: dict[str, str] = {
    "missing": "missing",
    "extra_forbidden": "unknown_key",
    "int_parsing": "whole_number",
    "int_type": "whole_number",
    "int_from_float": "whole_number",
    "int_parsing_size": "whole_number",
    "float_parsing": "number",
    "float_type": "number",
    "finite_number": "number",
    "bool_parsing": "bool",
    "bool_type": "bool",
    "string_type": "text",
    "date_parsing": "date",
    "date_type": "date",
    "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date",
    "greater_than_equal": "ge",
    "greater_than": "gt",
    "less_than_equal": "le",
    "less_than": "lt",
    "literal_error": "choice",
    "list_type": "list",
    "dict_type": "mapping",
    "model_type": "mapping",
    "model_attributes_type": "mapping",
    "path_type": "path",
}
"""Pydantic's error ``type`` → the ``params.errors`` catalogue entry that says it; any other
type is said by ``params.errors.other`` (naming the key, the value and the type)."""


def describe_errors(error: ValidationError, source: str) -> list[Message]:
    """Pydantic's errors as one readable line per problem (at most :data:`MAX_ERROR_LINES`),
    in words of the catalogue (``params.yaml``), so that they read in either language."""
    lines = []
    items = error.errors(include_url=False)
    for item in items[:MAX_ERROR_LINES]:
        lines.append(Message("params.line", source=source, text=_describe_error(item)))
    if len(items) > MAX_ERROR_LINES:
        more = Message("params.more", more=len(items) - MAX_ERROR_LINES)
        lines.append(Message("params.line", source=source, text=more))
    return lines


def _describe_error(item: Mapping[str, Any]) -> Message:
    """One pydantic error (``ErrorDetails``) in catalogue words."""
    key = ".".join(str(p) for p in item["loc"]) or "(params)"
    value = item.get("input")
    got = "" if isinstance(value, dict) else Message("params.got", value=quote_value(value))
    context = item.get("ctx") or {}
    if item["type"] == "value_error":  # our own validators raise ValueError(Message)
        reason = context.get("error")
        said = reason.args[0] if isinstance(reason, ValueError) and reason.args else None
        if isinstance(said, Message):
            return said if item["loc"] == () else Message("params.at_key", key=key, text=said)
    entry = PYDANTIC_ERRORS.get(item["type"], "other")
    limit = next((context[k] for k in ("ge", "gt", "le", "lt") if k in context), "")
    expected = ", ".join(re.findall(r"'([^']*)'", str(context.get("expected", ""))))

    return Message(
        f"params.errors.{entry}",
        key=repr(key) if entry == "unknown_key" else key,
        got=got,
        limit=limit,
        expected=expected,
        kind=item["type"],
    )


def parse_set(assignments: list[str]) -> dict[str, Any]:
    """Parse ``--set key=value`` strings; values are read as YAML (``5``, ``0.1``, ``[a, b]``)."""
    out: dict[str, Any] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ParamsError(Message("params.set_not_key_value", item=quote_value(item)))
        text = f"value: {value}" if value.strip() else "value: null"
        out[key.strip()] = parse_params_text(text, f"--set {quote_value(item)}")["value"]
    return out


def validate_params(
    raw: dict[str, Any], source: str = "params", base: Path | None = None
) -> CampaignParams:
    """Validate a params mapping and resolve its relative paths.

    Parameters
    ----------
    raw : dict
        Parameter names and values (from YAML, ``--set`` or a notebook's parameters cell).
    source : str
        Name used in error messages (the params file).
    base : Path, optional
        Folder that relative paths are relative to (the params file's folder). A params
        file without ``store`` gets the default archive there (:func:`default_store`).

    Raises
    ------
    ParamsError
        With every problem on a line of its own: unknown keys, wrong types, impossible values.
    """
    lines: list[Message] = []
    if raw.get("campaign") is not None and raw["campaign"] not in CAMPAIGN_IDS:
        said = Message(
            "params.errors.choice",
            key="campaign",
            expected=", ".join(CAMPAIGN_IDS),
            got=Message("params.got", value=quote_value(raw["campaign"])),
            limit="",
            kind="literal_error",
        )
        lines.append(Message("params.line", source=source, text=said))
        raw = {k: v for k, v in raw.items() if k != "campaign"} | {"campaign": "wage"}
    try:
        params = CampaignParams.model_validate(raw)
    except ValidationError as exc:
        lines += describe_errors(exc, source)
        params = None
    if lines or params is None:
        raise ParamsError(lines)
    return params.resolve_paths(base) if base is not None else params


def default_store(folder: Path) -> str:
    """The archive of params files in ``folder`` that name no ``store``:
    ``outputs/archive.sqlite`` there (see :func:`inspectlib.archive.default_store`; ``inspectlib
    record`` uses the same rule, with the current folder or its ``--params`` file's)."""
    from inspectlib.archive import default_store as archive_default

    return archive_default(folder)


MAX_PARAMS_BYTES = 1_000_000
"""A params file is a few hundred bytes; anything past this is refused unread."""
MAX_NESTING = 20
"""Deepest nesting of lists and mappings a params file may use."""
MAX_NODES = 100_000
"""Most values a params file may hold once its aliases are expanded (an alias bomb is refused)."""


class _ParamsLoader(yaml.SafeLoader):
    """PyYAML's safe loader, stricter where params files need it: a repeated key is an error
    (YAML would silently keep the last value), an impossible date such as 2027-13-01 stays
    text so that the params model names the key, and nesting deeper than
    :data:`MAX_NESTING` is refused before Python's recursion limit is reached."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.depth = 0
        self.duplicates: list[Message] = []

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        self.depth += 1
        try:
            if self.depth > MAX_NESTING:
                mark = self.peek_event().start_mark
                raise _TooDeep(mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node, deep=False):  # noqa: ANN001 - PyYAML's signature
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1
            if key is not None and key in seen:
                self.duplicates.append(
                    Message("params.key_twice", key=repr(key), first=seen[key], line=line)
                )
            elif key is not None:
                seen[key] = line
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node):  # noqa: ANN001 - PyYAML's signature
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # 2027-13-01: left as text, the model then names the key
            return self.construct_scalar(node)


_ParamsLoader.add_constructor("tag:yaml.org,2002:timestamp", _ParamsLoader.construct_yaml_timestamp)


class _TooDeep(yaml.YAMLError):
    """A params file nested deeper than :data:`MAX_NESTING` (``line`` is where)."""

    def __init__(self, line: int):
        super().__init__(Message("params.too_deep", levels=MAX_NESTING, line=line))

        self.line = line


def _count_values(value: Any, budget: int) -> int:
    """Number of values in ``value`` counting shared (aliased) parts each time they occur,
    stopping once ``budget`` is passed (so a self-referencing alias cannot loop)."""
    count, stack = 0, [value]
    while stack and count <= budget:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def parse_params_text(text: str, source: str) -> dict[str, Any]:
    """Parse the text of a params file (a YAML mapping) with :class:`_ParamsLoader`.

    Raises
    ------
    ParamsError
        Not YAML, not a mapping, repeated keys, too deep, or too many values.
    """
    loader = _ParamsLoader(text)
    try:
        raw = loader.get_single_data()
    except _TooDeep as exc:
        said = Message("params.too_deep", levels=MAX_NESTING, line=exc.line)
        raise ParamsError(Message("params.line", source=source, text=said)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        said = (
            Message("params.not_yaml_at", line=mark.line + 1, column=mark.column + 1)
            if mark is not None
            else Message("params.not_yaml")
        )
        raise ParamsError(Message("params.line", source=source, text=said)) from None
    finally:
        loader.dispose()
    if loader.duplicates:
        raise ParamsError(
            Message("params.line", source=source, text=line) for line in loader.duplicates
        )
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        said = Message("params.not_mapping", kind=type(raw).__name__)
        raise ParamsError(Message("params.line", source=source, text=said))
    if _count_values(raw, MAX_NODES) > MAX_NODES:
        said = Message("params.too_many_values", most=MAX_NODES)
        raise ParamsError(Message("params.line", source=source, text=said))
    return raw


def read_params_file(path: str | Path) -> dict[str, Any]:
    """Read a params YAML file (UTF-8, with or without BOM) into a mapping, with clear errors."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_PARAMS_BYTES:
            said = Message("params.too_large", size=path.stat().st_size, most=MAX_PARAMS_BYTES)
            raise ParamsError(Message("params.line", source=str(path), text=said))
        data = path.read_bytes()
    except OSError as exc:
        said = (
            Message("params.not_found")
            if isinstance(exc, FileNotFoundError)
            else Message("params.unreadable", reason=Detail(exc.strerror))
        )

        raise ParamsError(Message("params.line", source=str(path), text=said)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        said = Message("params.not_utf8", line=line, byte=f"0x{data[exc.start]:02x}")
        raise ParamsError(Message("params.line", source=str(path), text=said)) from None

    return parse_params_text(text, str(path))


def load_params(path: str | Path, overrides: dict[str, Any] | None = None) -> CampaignParams:
    """Load, override and validate a params file.

    Examples
    --------
    >>> params = load_params("params/wage.yaml")  # doctest: +SKIP
    >>> params.campaign  # doctest: +SKIP
    'wage'
    """
    path = Path(path)
    raw = read_params_file(path) | (overrides or {})
    return validate_params(raw, source=str(path), base=path.resolve().parent)
