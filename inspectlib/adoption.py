"""Making a plan run the official draw of its campaign and year (``inspectlib adopt``).

``inspectlib plan`` runs are drafts: a planner may try several. Adopting one records, in the
archive, that this run is the draw of record: who adopted it and when (the operating-system
user and the clock), and the sha256 of its ``audit.json``. Results reports use the official
draw, and ``verify-draw`` checks the audit file against that digest.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from inspectlib.archive import Adoption, audit_sha256, open_archive
from inspectlib.audit import read_audit, sha256_file
from inspectlib.errors import InspectlibError, Message
from inspectlib.params import validate_params
from inspectlib.rundirs import is_published_run


@dataclass(frozen=True)
class AdoptedRun:
    """The outcome of :func:`adopt_run`: the adoption and the draws it replaced."""

    adoption: Adoption
    store: str
    replaced: str | None
    """Run folder of the draw that was official until now (None when there was none)."""


def read_run_audit(run_dir: Path) -> dict:
    """The ``audit.json`` of a run folder (:func:`~inspectlib.audit.read_audit`), with a clear
    error when it is missing, broken or of another format."""
    return read_audit(run_dir / "audit.json", missing="problems.audit.run_missing")


def _draw_of(audit: dict) -> list[tuple]:
    return [
        (s["draw_order"], s["firm_id"], s["stratum"], s["risk_score"]) for s in audit["selected"]
    ]


def adopt_run(run_dir: str | Path, reason: str | None = None) -> AdoptedRun:
    """Make the plan run in ``run_dir`` the official draw of its campaign and year.

    Parameters
    ----------
    run_dir : str or Path
        A published plan run folder (``…/wage/latest`` works too).
    reason : str, optional
        Required when the campaign and year have an official draw already.

    Raises
    ------
    InspectlibError
        No audit, no archive in the params, the run is not in the archive, the archived draw
        differs from ``audit.json``, or another draw is official and no reason was given.
    """
    folder = Path(run_dir).resolve()
    audit = read_run_audit(folder)
    params = validate_params(audit["params"], source=f"{folder / 'audit.json'} params")
    if not params.store:
        raise InspectlibError(
            Message("cli.adopt.at", where=folder, text=Message("cli.adopt.no_store"))
        )
    digest = audit_sha256(audit)
    with open_archive(params.store) as archive:
        plans = archive.plans(params.campaign, params.year)
        match = plans[plans["audit_sha256"] == digest]
        if match.empty:
            said = Message("cli.adopt.not_archived", url=archive.url)
            raise InspectlibError(Message("cli.adopt.at", where=folder, text=said))
        plan_id = int(match["id"].iloc[0])
        if draw_differences(archive.draw(plan_id), audit):
            said = Message("cli.adopt.draw_differs")
            raise InspectlibError(Message("cli.adopt.at", where=folder, text=said))
        before = archive.adoptions(params.campaign, params.year)
        adoption = archive.adopt(
            plan_id,
            adopted_by=getpass.getuser(),
            audit_file_sha256=sha256_file(folder / "audit.json"),
            run_folder=folder.name,
            reason=reason,
        )
        url = archive.url
    replaced = before["run_folder"].iloc[-1] if adoption.new and len(before) else None
    return AdoptedRun(adoption, url, replaced)


def draw_differences(archived: pd.DataFrame, audit: dict, limit: int = 10) -> list[Message]:
    """Where an archived draw (:meth:`~inspectlib.archive.Archive.draw`) differs from the
    ``selected`` list of an audit: position, firm, stratum and risk score."""
    stored = _stored_draw(archived)
    recorded = _draw_of(audit)
    out = [
        Message("cli.verify.archived_position", position=i + 1, archived=a, audit=b)
        for i, (a, b) in enumerate(zip(stored, recorded, strict=False))
        if a != b
    ]
    if len(stored) != len(recorded):
        out.append(Message("cli.verify.archived_count", archived=len(stored), audit=len(recorded)))
    more = [Message("cli.verify.more_plain", more=len(out) - limit)] if len(out) > limit else []
    return out[:limit] + more


def _stored_draw(archived: pd.DataFrame) -> list[tuple]:
    return [
        (int(o), f, s, None if r != r else float(r))
        for o, f, s, r in archived[["draw_order", "firm_id", "stratum", "risk_score"]].itertuples(
            index=False
        )
    ]


def archive_differences(audit_path: str | Path, recorded: dict) -> list[Message]:
    """What the archive says against a plan run's ``audit.json`` (for ``verify-draw``).

    The archive recorded the run's audit digest and its draw when the run was made, and the
    sha256 of ``audit.json`` when it was adopted. Replacing ``audit.json`` (say by another
    seed's), editing or deleting the archived plan or its draw, or editing the file after it
    was adopted, each shows here. Every run folder ``inspectlib plan`` publishes is archived
    when the params name a store; other folders (plain papermill's ``run-…``, outputs
    written by a script) are compared only when the archive holds them.
    """
    from inspectlib.archive import parse_store

    store = (recorded.get("params") or {}).get("store")
    folder = Path(audit_path).resolve().parent
    published = is_published_run(folder)
    if not store:
        return []
    url = parse_store(store)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        return [Message("cli.verify.no_archive", store=store)] if published else []
    with open_archive(store) as archive:
        plans = archive.plans(recorded.get("campaign"), (recorded.get("params") or {}).get("year"))
        mine = plans[[Path(p).resolve() == folder for p in plans["output_dir"]]]
        if mine.empty:
            if not published:
                return []
            return [Message("cli.verify.no_plan", url=archive.url)]
        row = mine.iloc[-1]
        out = []
        digest = audit_sha256(recorded)
        if row["audit_sha256"] != digest:
            out.append(
                Message(
                    "cli.verify.audit_not_archived",
                    recorded=row["audit_sha256"][:12],
                    now=digest[:12],
                )
            )
        out += draw_differences(archive.draw(int(row["id"])), recorded)
        adopted = archive.adoptions()
        adopted = adopted[adopted["plan_id"] == int(row["id"])]
    file_digest = sha256_file(Path(audit_path))
    for sha in adopted["audit_file_sha256"]:
        if sha != file_digest:
            out.append(Message("cli.verify.audit_changed", adopted=sha[:12], now=file_digest[:12]))

    return out
