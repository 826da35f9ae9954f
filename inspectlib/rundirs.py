"""Run directories: every run writes into a fresh folder that becomes "the latest" only when
the run has succeeded, so an earlier good run is never overwritten in place.

Layout under a campaign's output folder::

    outputs/demo/wage/
        20270105-093012-ab12/      a finished run (never modified again)
        latest -> 20270105-093012-ab12   (symlink, replaced atomically)
        LATEST.txt                 name of the latest good run (for systems without symlinks)
        .running-20270105-101500-cd34/   a run in progress
        failed-20270105-101500-cd34/     a failed run, kept for debugging
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import re
import secrets
import time
from pathlib import Path
from typing import Any

from inspectlib.errors import Detail, InspectlibError, Message

RUNNING = ".running-"
"""Prefix of a run folder in progress (hidden until promoted)."""
LATEST = "latest"
LATEST_TEXT = "LATEST.txt"
"""Name of the latest good run, also where symlinks cannot be made."""


PUBLISHED = re.compile(r"\d{8}-\d{6}-[0-9a-f]{4}")
"""Name of a run folder published by a command (``inspectlib plan`` archives every one)."""


def is_published_run(folder: str | Path) -> bool:
    """Whether ``folder`` is a run folder a command published (not a notebook's ``run-…``)."""
    return PUBLISHED.fullmatch(Path(folder).name) is not None


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)


def new_run_dir(base: str | Path, prefix: str = RUNNING) -> Path:
    """Create a fresh folder for a run under ``base``: hidden while in progress (the default
    ``prefix``), or final at once for a run nothing promotes (e.g. ``prefix="run-"``)."""
    base = Path(base)
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InspectlibError(
            Message("errors.rundirs.no_folder", base=base, reason=_reason(exc))
        ) from None
    while True:
        path = base / f"{prefix}{_stamp()}"
        try:
            path.mkdir()
            return path
        except FileExistsError:  # pragma: no cover - two runs in the same second and token
            continue
        except OSError as exc:
            raise InspectlibError(
                Message("errors.rundirs.no_run_folder", base=base, reason=_reason(exc))
            ) from None


def _reason(exc: OSError) -> Message:
    """Why the system refused (its own words, shown in English lines only)."""
    return Message("errors.rundirs.reason", detail=Detail(exc.strerror or exc))


def promote(run_dir: Path) -> Path:
    """Publish a finished run: give it its final name and point ``latest`` at it."""
    final = run_dir.with_name(run_dir.name.removeprefix(RUNNING))
    run_dir.rename(final)
    text_tmp = final.parent / f".{LATEST_TEXT}-{secrets.token_hex(4)}"
    text_tmp.write_text(final.name + "\n", encoding="utf-8")
    os.replace(text_tmp, final.parent / LATEST_TEXT)
    link_tmp = final.parent / f".{LATEST}-{secrets.token_hex(4)}"
    try:
        os.symlink(final.name, link_tmp, target_is_directory=True)
        os.replace(link_tmp, final.parent / LATEST)
    except OSError:  # no symlinks here (e.g. Windows without the privilege): the text file
        link_tmp.unlink(missing_ok=True)
    return final


def mark_failed(run_dir: Path) -> Path:
    """Keep a failed run's folder (with its partial notebook) under a visible name."""
    failed = run_dir.with_name("failed-" + run_dir.name.removeprefix(RUNNING))
    run_dir.rename(failed)
    return failed


def latest(base: str | Path) -> Path | None:
    """The latest good run under ``base``, or None."""
    link = Path(base) / LATEST
    if link.exists():
        return link.resolve()
    text = Path(base) / LATEST_TEXT
    if text.is_file():
        run = Path(base) / text.read_text(encoding="utf-8").strip()
        return run.resolve() if run.is_dir() else None
    return None


HANDOVER = ".computed.pickle"
"""File in a run folder in progress through which the command hands what it computed (a plan,
a results review, an annual summary) to the notebook that renders it; removed before the
folder is published."""
COMPUTING = ".computing"
"""Marker: the command is still computing what it will hand over (the kernel waits)."""
NOT_COMPUTED = ".not-computed"
"""Marker: the command could not compute it (holds the reason; the kernel stops)."""
HANDOVER_WAIT_S = 6 * 3600
"""How long a notebook waits for its command to hand over (a province-sized plan included)."""


def expect_handover(run_dir: Path) -> None:
    """Tell the notebook about to start in ``run_dir`` that its command computes what it
    renders, so that it waits for :func:`hand_over` instead of computing it again."""
    (Path(run_dir) / COMPUTING).touch()


def hand_over(run_dir: Path, computed: Any, files: dict[str, Path]) -> Path:
    """Leave ``computed`` and the files already written from it for the notebook run in
    ``run_dir`` (the kernel runs this same interpreter, so a pickle is read back exactly).
    The file appears whole (written under a temporary name, then renamed)."""
    path = Path(run_dir) / HANDOVER
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        pickle.dump((computed, files), fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return path


def hand_over_failure(run_dir: Path, reason: str) -> None:
    """Tell the waiting notebook that nothing will be handed over, and why."""
    path = Path(run_dir) / NOT_COMPUTED
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(reason, encoding="utf-8")
    os.replace(tmp, path)


def clear_handover(run_dir: Path) -> None:
    """Remove the hand-over files before a run folder is published or kept as failed."""
    for name in (HANDOVER, COMPUTING, NOT_COMPUTED):
        (Path(run_dir) / name).unlink(missing_ok=True)


def take_over(
    output_dir: str | Path, wait_s: float = HANDOVER_WAIT_S
) -> tuple[Any, dict[str, Path]] | None:
    """What the command computed for this notebook run, or None when the notebook runs on
    its own (JupyterLab, plain papermill). Only a run folder in progress is looked in, so a
    notebook never unpickles a file it did not get from its own command. While the command
    is still computing (the kernel starts meanwhile), this waits for it.

    Raises
    ------
    InspectlibError
        The command could not compute it, or did not hand it over within ``wait_s``.
    """
    folder = Path(output_dir)
    if not folder.name.startswith(RUNNING):
        return None
    path, failed = folder / HANDOVER, folder / NOT_COMPUTED
    deadline = time.monotonic() + wait_s
    while (folder / COMPUTING).exists() and not path.exists() and not failed.exists():
        if time.monotonic() > deadline:
            raise InspectlibError(
                Message("errors.rundirs.no_handover", folder=folder, seconds=wait_s)
            )
        time.sleep(0.05)
    if failed.exists():
        said = Detail(failed.read_text(encoding="utf-8"))
        raise InspectlibError(Message("errors.rundirs.stopped", detail=said))
    if not path.is_file():
        return None
    with path.open("rb") as fh:
        return pickle.load(fh)  # noqa: S301 - written by this run's own command a moment ago
