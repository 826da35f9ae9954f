"""Making a plan run the official draw of its campaign and year (``inspectlib adopt``).

``inspectlib plan`` runs are drafts: a planner may try several. Adopting one records, in the
archive, that this run is the draw of record: who adopted it and when (the operating-system
user and the clock), and the sha256 of its ``audit.json``. Results reports use the official
draw, and ``verify-draw`` checks the audit file against that digest.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass
from pathlib import Path

from inspectlib.archive import Adoption, audit_sha256, open_archive
from inspectlib.audit import sha256_file
from inspectlib.errors import InspectlibError
from inspectlib.params import validate_params


@dataclass(frozen=True)
class AdoptedRun:
    """The outcome of :func:`adopt_run`: the adoption and the draws it replaced."""

    adoption: Adoption
    store: str
    replaced: str | None
    """Run folder of the draw that was official until now (None when there was none)."""


def read_run_audit(run_dir: Path) -> dict:
    """The ``audit.json`` of a run folder, with a clear error when it is missing or broken."""
    path = run_dir / "audit.json"
    try:
        audit = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InspectlibError(f"{path}: cannot read the run's audit ({exc.strerror})") from None
    except ValueError as exc:
        raise InspectlibError(f"{path}: not a valid audit file ({exc})") from None
    if not isinstance(audit, dict) or "params" not in audit or "selected" not in audit:
        raise InspectlibError(f"{path}: not an inspectlib audit file (no params or draw)")
    return audit


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
        raise InspectlibError(f"{folder}: the plan names no archive (store) to adopt it in")
    digest = audit_sha256(audit)
    with open_archive(params.store) as archive:
        plans = archive.plans(params.campaign, params.year)
        match = plans[plans["audit_sha256"] == digest]
        if match.empty:
            raise InspectlibError(
                f"{folder}: this run is not in the archive {archive.url} (audit.json changed, "
                "or the run was not made with `inspectlib plan`)"
            )
        plan_id = int(match["id"].iloc[0])
        archived = archive.draw(plan_id)
        stored = [
            (int(o), f, s, None if r != r else float(r))
            for o, f, s, r in archived[
                ["draw_order", "firm_id", "stratum", "risk_score"]
            ].itertuples(index=False)
        ]
        if stored != _draw_of(audit):
            raise InspectlibError(
                f"{folder}: the archived draw of this run differs from its audit.json; "
                "run `inspectlib verify-draw` on it"
            )
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
