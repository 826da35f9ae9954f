"""Campaign run parameters: one pydantic model, used by the CLI and by the notebooks.

Papermill only warns about unknown parameters; :func:`load_params` refuses them, checks types
and ranges, and resolves relative paths against the params file's folder, before anything runs.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from inspectlib.errors import ParamsError
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
            raise ValueError("office needs lon and lat, or a town")
        if (self.lon is None) != (self.lat is None):
            raise ValueError("office needs both lon and lat")
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
        register: Path
        boundaries: Path
        roster: Path
        weather: Path | None = None
        findings: list[Path] = Field(default_factory=list)
        warning_points: Path | None = None
        store: str | None = None
        agencies: list[str] | None = None
        team_size: int = Field(2, ge=2, le=10)
        firms_per_team_day: int = Field(4, ge=1, le=30)
        teams: int | None = Field(
            None, ge=1, le=200
        )  # number of inspection teams; None = automatic
        risk_model: Literal["auto", "expert", "learned"] = "auto"  # auto: learned only if it wins
        exclude_inspected_within_days: int = Field(365, ge=0, le=3650)
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
                    f"window_end {self.window_end} is before window_start {self.window_start}"
                )
            for name in ("window_start", "window_end"):
                day = getattr(self, name)
                if day is not None and day.year != self.year:
                    raise ValueError(f"{name} {day} is not in year {self.year}")
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
            if self.store:
                update["store"] = resolve_store(self.store, base)
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
        raise ParamsError(f"notebook parameters: unknown key(s) {', '.join(map(repr, unknown))}")
    raw = {k: v for k, v in namespace.items() if k in fields}
    return raw, Path(namespace.get("params_dir") or ".").resolve()


def describe_errors(error: ValidationError, source: str) -> str:
    """Turn pydantic's errors into one readable line per problem."""
    lines = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(params)"
        if item["type"] == "extra_forbidden":
            lines.append(f"{source}: unknown key {where!r}")
        else:
            value = item.get("input")
            shown = "" if isinstance(value, dict) else f" (got {value!r})"
            lines.append(f"{source}: {where}: {item['msg']}{shown}")
    return "; ".join(lines)


def parse_set(assignments: list[str]) -> dict[str, Any]:
    """Parse ``--set key=value`` strings; values are read as YAML (``5``, ``0.1``, ``[a, b]``)."""
    out: dict[str, Any] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ParamsError(f"--set {item!r}: expected key=value")
        try:
            out[key.strip()] = yaml.safe_load(value) if value.strip() else None
        except yaml.YAMLError as exc:
            raise ParamsError(f"--set {item!r}: {exc}") from None
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
        Folder that relative paths are relative to (the params file's folder).

    Raises
    ------
    ParamsError
        With every problem on one line each: unknown keys, wrong types, impossible values.
    """
    if raw.get("campaign") is not None and raw["campaign"] not in CAMPAIGN_IDS:
        raise ParamsError(
            f"{source}: campaign: must be one of {', '.join(CAMPAIGN_IDS)} "
            f"(got {raw['campaign']!r})"
        )
    try:
        params = CampaignParams.model_validate(raw)
    except ValidationError as exc:
        raise ParamsError(describe_errors(exc, source)) from None
    return params.resolve_paths(base) if base is not None else params


def read_params_file(path: str | Path) -> dict[str, Any]:
    """Read a params YAML file into a mapping (safe loader), with clear errors."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ParamsError(f"{path}: cannot read params file ({exc.strerror})") from None
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ParamsError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ParamsError(f"{path}: expected a mapping of key: value, got {type(raw).__name__}")
    return raw


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
