"""Finding the params file a planner names, and writing the planner's choices back as a new
params file that ``inspectlib plan`` reproduces exactly."""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from inspectlib.errors import InspectlibError, Message, ParamsError
from inspectlib.params import PATH_FIELDS, read_params_file, validate_params

if TYPE_CHECKING:
    from inspectlib.planner.state import PlannerChoices, PlannerSession

EXPORT_SUFFIX = re.compile(r"-planner-\d{8}-\d{6}(-\d+)?$")


def find_params_file(params_file: str | Path, start: str | Path | None = None) -> Path:
    """Find a params file given relative to the project: in ``start`` or one of its parents.

    A notebook's kernel runs in the notebook's folder (``notebooks/``) while ``inspectlib``
    commands run from the repository root; ``"params/wage.yaml"`` is found from both.

    Parameters
    ----------
    params_file : str or Path
        Absolute path, or a path relative to ``start`` or to one of its parent folders.
    start : str or Path, optional
        Folder to look from (default: the current working directory).

    Raises
    ------
    ParamsError
        When no such file exists, naming the folders searched.
    """
    return locate_params_file(params_file, start)[0]


def locate_params_file(
    params_file: str | Path, start: str | Path | None
) -> tuple[Path, Path | None]:
    """The params file, and the folder its relative name was found in (None if absolute)."""
    path = Path(params_file)
    if path.is_absolute():
        if not path.is_file():
            raise ParamsError(Message("errors.planner.params_not_found", path=path))
        return path, None
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / path).is_file():
            return (folder / path).resolve(), folder
    raise ParamsError(Message("errors.planner.params_not_found_above", path=path, here=here))


@dataclass(frozen=True)
class ExportedParams:
    """A params file written by :meth:`PlannerSession.export`.

    Attributes
    ----------
    path : Path
        The new YAML file.
    command : str
        The command that reproduces the draw, e.g. ``inspectlib plan params/wage-….yaml``.
    cwd : Path
        Folder to run ``command`` from.
    """

    path: Path
    command: str
    cwd: Path


def export_params(
    session: PlannerSession,
    choices: PlannerChoices,
    folder: str | Path | None = None,
    now: dt.datetime | None = None,
) -> ExportedParams:
    """Write a session's params file plus the planner's choices as a new YAML file.

    The file is ``<stem>-planner-YYYYMMDD-HHMMSS.yaml`` in ``folder`` (default: next to
    the params file); relative paths stay relative to the file's folder. The written file
    is loaded back and checked to give exactly ``session.params_for(choices)``.

    Raises
    ------
    ParamsError
        When the choices are not valid params.
    InspectlibError
        When the written file would not reproduce the choices (nothing is left behind).
    """
    expected = session.params_for(choices)
    folder = Path(folder).resolve() if folder else session.params_file.parent
    raw = rebase_paths(session.raw_for(choices), session.base, folder)
    if raw.get("store") is None and expected.store and folder != session.params_file.parent:
        raw["store"] = expected.store  # the default archive is per folder: keep the same one
    now = now or dt.datetime.now()
    stamp = now.strftime("%Y%m%d-%H%M%S")
    stem = EXPORT_SUFFIX.sub("", session.params_file.stem)
    if stem == session.params.campaign != choices.campaign:
        stem = choices.campaign
    folder.mkdir(parents=True, exist_ok=True)
    header = (
        f"# Written by the inspectlib planner on {now:%Y-%m-%d %H:%M:%S} from "
        f"{session.params_file.name}.\n# Reproduce this draw with: inspectlib plan "
        "<this file>\n"
    )
    text = header + yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)
    for n in range(1, 1000):
        path = folder / f"{stem}-planner-{stamp}{'' if n == 1 else f'-{n}'}.yaml"
        try:
            with open(path, "x", encoding="utf-8") as handle:
                handle.write(text)
            break
        except FileExistsError:
            continue
    else:  # pragma: no cover - a thousand exports in one second
        raise InspectlibError(Message("errors.planner.no_free_name", folder=folder, stem=stem))
    try:
        loaded = validate_params(read_params_file(path), source=str(path), base=folder)
    except ParamsError:
        path.unlink()
        raise
    if loaded != expected:
        path.unlink()
        raise InspectlibError(Message("errors.planner.not_reproduced", file=path.name))
    if session.root is not None and path.is_relative_to(session.root):
        cwd, shown = session.root, path.relative_to(session.root).as_posix()
    else:
        cwd, shown = Path.cwd(), path.as_posix()
    return ExportedParams(path, f"inspectlib plan {shlex.quote(shown)}", cwd)


def rebase_paths(raw: dict[str, Any], old: Path, new: Path) -> dict[str, Any]:
    """Make the relative paths of a params mapping relative to another folder.

    Absolute paths and paths of a mapping that stays in the same folder are unchanged.

    Examples
    --------
    >>> rebase_paths({"register": "in/r.csv", "seed": 1}, Path("/p/params"), Path("/p"))
    {'register': 'params/in/r.csv', 'seed': 1}
    """
    old, new = Path(old), Path(new)
    if old.resolve() == new.resolve():
        return dict(raw)

    def fix(value: object) -> object:
        if not isinstance(value, str | Path) or Path(value).is_absolute():
            return value
        return Path(os.path.relpath((old / value).resolve(), new.resolve())).as_posix()

    out = dict(raw)
    for name in PATH_FIELDS:
        if isinstance(out.get(name), list):
            out[name] = [fix(v) for v in out[name]]
        elif out.get(name) is not None:
            out[name] = fix(out[name])
    store = out.get("store")
    if (
        isinstance(store, str)
        and store.startswith("sqlite:///")
        and not store.startswith("sqlite:////")
    ):
        out["store"] = "sqlite:///" + str(fix(store[len("sqlite:///") :]))
    return out
