"""The draw's audit trail (全程留痕) and its re-check.

:func:`build_audit` records everything needed to redo a draw: the validated params, the seed,
the sha256 of every input file, the library version, and the result (selected firms in draw
order with their stratum, teams, assignments). :func:`verify_draw` re-validates the recorded
params, re-hashes the files, reloads them, re-runs :func:`inspectlib.draw.plan_draw` and says
exactly what differs, if anything.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import inspectlib
from inspectlib.draw import DrawResult, plan_draw
from inspectlib.errors import Detail, InspectlibError, Message, render, shorten
from inspectlib.notices import notice_records
from inspectlib.params import validate_params

if TYPE_CHECKING:
    from inspectlib.inputs import CampaignInputs
    from inspectlib.params import CampaignParams

logger = logging.getLogger(__name__)

AUDIT_FORMAT = "inspectlib-audit/2"
MAX_LISTED = 20


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB blocks.

    Remembered per path, size and modification time, so that a verification (which hashes
    the recorded files, then redoes the draw, whose audit hashes them again) reads each file
    once; a changed file has another size or time and is read afresh.
    """
    stat = Path(path).stat()
    return _sha256(str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _file_records(files: dict[str, list[Path]]) -> dict[str, list[dict[str, str]]]:
    return {
        kind: [{"path": str(Path(p).resolve()), "sha256": sha256_file(p)} for p in files[kind]]
        for kind in sorted(files)
    }


def build_audit(
    params: CampaignParams, inputs: CampaignInputs, result: DrawResult
) -> dict[str, Any]:
    """The audit record of one draw, as a JSON-ready dict.

    Parameters
    ----------
    params : CampaignParams
    inputs : CampaignInputs
        Its ``files`` (every input file used) are hashed here.
    result : DrawResult

    Returns
    -------
    dict
        ``format``, ``inspectlib_version``, ``campaign``, ``seed``, ``window``, ``params``
        (``params.model_dump(mode="json")``), ``files`` (path and sha256 by kind),
        ``eligible_count``, ``excluded_count``, ``risk_model``, ``selected`` (draw order,
        firm_id, stratum, risk_score and the reasons as codes and values,
        :meth:`inspectlib.draw.DrawReasons.codes`), ``teams``, ``assignments``, ``warnings``,
        ``redraws`` (team re-draws forced by a rule: attempt, rule, reason and the firms or
        teams concerned).
    """
    sel = result.selected
    teams = [
        {
            "team": team,
            "members": [
                {"inspector_id": r.inspector_id, "name": r.name, "agency": r.agency}
                for r in group.itertuples()
            ],
        }
        for team, group in result.teams.groupby("team", sort=True)
    ]
    return {
        "format": AUDIT_FORMAT,
        "inspectlib_version": inspectlib.__version__,
        "campaign": result.campaign.id,
        "seed": params.seed,
        "window": [result.window[0].isoformat(), result.window[1].isoformat()],
        "params": params.model_dump(mode="json"),
        "files": _file_records(inputs.files),
        "archive": inputs.archive,
        "eligible_count": len(result.eligible),
        "excluded_count": len(result.excluded),
        "random_count": int((sel["stratum"] == "random").sum()),
        "risk_model": result.model_report.as_dict(),
        "selected": [
            {"draw_order": int(o), "firm_id": f, "stratum": s, "risk_score": float(r)}
            | ({"reasons": why} if why is not None else {})
            for o, f, s, r, why in zip(
                sel["draw_order"],
                sel["firm_id"],
                sel["stratum"],
                sel["risk_score"],
                result.why.codes() if result.why is not None else [None] * len(sel),
                strict=True,
            )
        ],
        "teams": teams,
        "assignments": [
            {"firm_id": f, "team": t}
            for f, t in zip(result.assignments["firm_id"], result.assignments["team"], strict=True)
        ],
        "warnings": notice_records(result.warnings),
        "redraws": list(result.redraws),
        "input_warnings": [
            {"file": p.file, "row": p.row, "column": p.column, "code": p.code, "message": p.message}
            for p in inputs.problems.warnings
        ],
    }


def write_audit(audit: dict[str, Any], path: str | Path) -> Path:
    """Write the audit as UTF-8 JSON atomically (temporary file, then rename).

    A reader never sees a half-written file, and an existing audit is only replaced by a
    complete new one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(audit, fh, ensure_ascii=False, indent=2, allow_nan=False)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of :func:`verify_draw`.

    ``matches`` is True when the inputs are unchanged and the draw comes out identical;
    ``differences`` says exactly what differs; ``notes`` are remarks that are not
    differences (e.g. another library version gave the same draw).
    """

    matches: bool
    differences: list[str | Message]
    notes: list[str | Message] = field(default_factory=list)
    audit_path: str = ""

    def render(self, language: str) -> str:
        """MATCH or MISMATCH, one line per difference and note, in ``language``."""
        words = Message("cli.verify.match" if self.matches else "cli.verify.mismatch")
        lines = [words.render(language)]
        lines += [f"- {render(d, language)}" for d in self.differences]
        lines += [Message("cli.verify.note", note=n).render(language) for n in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render("en")


def _capped(lines: list[Message], what: str) -> list[Message]:
    if len(lines) <= MAX_LISTED:
        return lines
    more = Message("cli.verify.more", more=len(lines) - MAX_LISTED, what=Message(what))
    return lines[:MAX_LISTED] + [more]


def _show_drawn(drawn: tuple[str, str] | None) -> Message:
    if drawn is None:
        return Message("cli.verify.nothing")
    return Message("cli.verify.firm_stratum", firm=drawn[0], stratum=drawn[1])


_CHECKED_APART = {"files", "archive", "inspectlib_version", "schedule", "params"}
"""Audit fields compared on their own: files by digest, the archive by digest, the version
as a note, the schedule by :func:`inspectlib.plan.verify_plan`, and the params by being
what the draw is redone from (any edit of them also changes the audit's digest, which
:func:`inspectlib.adoption.archive_differences` compares with the archive's)."""
_DRAW_FIELDS = {"selected", "teams", "assignments", "eligible_count", "excluded_count"}


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:79] + "…"


def first_difference(recorded: Any, now: Any, path: str) -> Message | None:
    """Where two JSON values first differ, as ``path: recorded X, now Y`` (None if equal)."""
    if recorded == now:
        return None
    if isinstance(recorded, dict) and isinstance(now, dict):
        for key in sorted(set(recorded) | set(now), key=str):
            found = first_difference(recorded.get(key), now.get(key), f"{path}.{key}")
            if found:
                return found
    if isinstance(recorded, list) and isinstance(now, list) and len(recorded) == len(now):
        for i, (a, b) in enumerate(zip(recorded, now, strict=True)):
            found = first_difference(a, b, f"{path}[{i}]")
            if found:
                return found
    return Message("cli.verify.field", path=path, recorded=_short(recorded), now=_short(now))


def field_differences(
    recorded: dict[str, Any],
    now: dict[str, Any],
    skip: set[str] = frozenset(),
    prefix: str = "",
) -> list[Message]:
    """Every top-level field of an audit that the redone audit does not reproduce: nothing
    in audit.json goes unchecked (a changed top-level ``seed``, a changed ``risk_score``, a
    field added by hand). ``prefix`` starts each field's path (``schedule.``)."""
    out = []
    for key in sorted((set(recorded) | set(now)) - set(skip)):
        found = first_difference(recorded.get(key), now.get(key), f"{prefix}{key}")
        if found:
            out.append(found)
    return out


def compare_draws(recorded: dict[str, Any], now: dict[str, Any]) -> list[Message]:
    """Differences between two audit records' draws (counts, firms, teams, assignments)."""
    out: list[Message] = []
    for key in ("eligible_count", "excluded_count"):
        if recorded.get(key) != now.get(key):
            said = Message(f"cli.verify.{key}", recorded=recorded.get(key), now=now.get(key))
            out.append(said)
    old_m = recorded.get("risk_model", {}).get("method")
    new_m = now.get("risk_model", {}).get("method")
    if old_m != new_m:
        out.append(Message("cli.verify.risk_model", recorded=old_m, now=new_m))
    a, b = recorded.get("selected", []), now.get("selected", [])
    pos = []
    for i in range(max(len(a), len(b))):
        x = (a[i]["firm_id"], a[i]["stratum"]) if i < len(a) else None
        y = (b[i]["firm_id"], b[i]["stratum"]) if i < len(b) else None
        if x != y:
            said = Message(
                "cli.verify.position", position=i + 1, recorded=_show_drawn(x), now=_show_drawn(y)
            )
            pos.append(said)
    out += _capped(pos, "cli.verify.positions_differ")
    ids_a = {r["firm_id"] for r in a}
    ids_b = {r["firm_id"] for r in b}
    if ids_a != ids_b:
        gone, new = sorted(ids_a - ids_b), sorted(ids_b - ids_a)
        out.append(
            Message(
                "cli.verify.firms_changed",
                gone=len(gone),
                gone_ids=", ".join(gone[:10]) + (" ..." if len(gone) > 10 else ""),
                new=len(new),
                new_ids=", ".join(new[:10]) + (" ..." if len(new) > 10 else ""),
            )
        )
    ta = {
        t["team"]: "+".join(m["inspector_id"] for m in t["members"])
        for t in recorded.get("teams", [])
    }
    tb = {
        t["team"]: "+".join(m["inspector_id"] for m in t["members"]) for t in now.get("teams", [])
    }
    no_team = Message("cli.verify.no_such_team")
    teams = [
        Message("cli.verify.team", team=t, recorded=ta.get(t, no_team), now=tb.get(t, no_team))
        for t in sorted(set(ta) | set(tb))
        if ta.get(t) != tb.get(t)
    ]
    out += _capped(teams, "cli.verify.teams_differ")
    xa = {r["firm_id"]: r["team"] for r in recorded.get("assignments", [])}
    xb = {r["firm_id"]: r["team"] for r in now.get("assignments", [])}
    moved = [
        Message("cli.verify.moved", firm=f, recorded=xa[f], now=xb[f])
        for f in sorted(set(xa) & set(xb))
        if xa[f] != xb[f]
    ]
    out += _capped(moved, "cli.verify.assignments_differ")
    return out


def _redo_draw(
    params: CampaignParams,
    as_of: str | None,
    loader: Callable[[CampaignParams], CampaignInputs] | None,
) -> dict[str, Any]:
    """Load the inputs (archived findings as of ``as_of``), redo the draw, audit it."""
    if loader is None:
        from inspectlib.inputs import load_campaign_inputs

        inputs = load_campaign_inputs(params, archive_as_of=as_of)
    else:
        inputs = loader(params)
    return build_audit(params, inputs, plan_draw(params, inputs))


def read_audit(path: str | Path, missing: str = "problems.audit.missing") -> dict[str, Any]:
    """Read an ``audit.json`` written by :func:`write_audit`; ``missing`` is the catalogue
    key that says the file is not there (a run folder says it in its own words).

    Raises
    ------
    InputError
        Naming the file when it is missing, unreadable, not JSON (e.g. truncated), not an
        inspectlib audit (no ``params`` and ``files`` records) or of another format (written
        by a version of inspectlib that recorded the draw differently).
    """
    from inspectlib.errors import InputError

    path = Path(path)
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        said = (
            Message(missing)
            if isinstance(exc, FileNotFoundError)
            else Message("problems.audit.unreadable", reason=Detail(exc.strerror))
        )
        raise InputError.single(path, said) from None
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InputError.single(
            path, Message("problems.audit.not_json", reason=Detail(exc))
        ) from None
    files = recorded.get("files") if isinstance(recorded, dict) else None
    valid = isinstance(files, dict) and all(
        isinstance(entries, list)
        and all(isinstance(e, dict) and {"path", "sha256"} <= e.keys() for e in entries)
        for entries in files.values()
    )
    draw = recorded.get("selected") if isinstance(recorded, dict) else None
    if not valid or not isinstance(recorded.get("params"), dict) or not isinstance(draw, list):
        raise InputError.single(path, Message("problems.audit.not_audit"))
    found = recorded.get("format")
    if found != AUDIT_FORMAT:  # format 1 worded warnings and reasons in the plan's language
        said = Message(
            "problems.audit.other_format",
            found=shorten(found),
            version=shorten(recorded.get("inspectlib_version", "?")),
            wanted=AUDIT_FORMAT,
        )
        raise InputError.single(path, said)
    return recorded


def verify_draw(
    audit_path: str | Path,
    *,
    loader: Callable[[CampaignParams], CampaignInputs] | None = None,
    redo: Callable[[CampaignParams, str | None], dict[str, Any]] | None = None,
) -> VerifyResult:
    """Re-run a recorded draw from its inputs and say whether it matches.

    Parameters
    ----------
    audit_path : str or Path
        An ``audit.json`` written by :func:`write_audit`.
    loader : callable, optional
        ``params -> CampaignInputs``; defaults to
        :func:`inspectlib.inputs.load_campaign_inputs`.
    redo : callable, optional
        ``(params, archive_as_of) -> audit``: redoes the run and returns its audit, instead
        of loading the inputs and redoing only the draw (:func:`inspectlib.plan.verify_plan`
        redoes the whole plan once and checks the schedule from the same audit).

    Returns
    -------
    VerifyResult
        ``matches`` and the exact differences: changed or missing input files (by name),
        inputs that no longer load, and draw differences (firm at each position, teams,
        assignments).

    Raises
    ------
    ParamsError
        When the recorded params are no longer valid.
    InputError
        When the audit cannot be read (:func:`read_audit`).
    """
    audit_path = Path(audit_path)
    recorded = read_audit(audit_path)
    params = validate_params(
        recorded.get("params", {}), source=f"{audit_path} params", base=audit_path.parent
    )
    if recorded.get("params", {}).get("store") is None:  # the draw read no archive: nor do we
        params = params.model_copy(update={"store": None})
    differences: list[str | Message] = []
    notes: list[str | Message] = []
    for kind, entries in recorded.get("files", {}).items():
        for entry in entries:
            path = Path(entry["path"])
            if not path.exists():
                differences.append(Message("cli.verify.file_missing", kind=kind, path=path))
                continue
            digest = sha256_file(path)
            if digest != entry["sha256"]:
                differences.append(
                    Message(
                        "cli.verify.file_changed",
                        kind=kind,
                        path=path,
                        recorded=entry["sha256"][:12],
                        now=digest[:12],
                    )
                )
    version = recorded.get("inspectlib_version")
    if version != inspectlib.__version__:
        notes.append(Message("cli.verify.version", recorded=version, now=inspectlib.__version__))
    as_of = (recorded.get("archive") or {}).get("as_of")
    if redo is None:
        redo = functools.partial(_redo_draw, loader=loader)
    try:
        now = redo(params, as_of)
    except (InspectlibError, OSError) as exc:
        differences.append(Message("cli.verify.cannot_redo", reason=exc))
        return VerifyResult(False, differences, notes, str(audit_path))
    known = {(k, e["path"]) for k, es in recorded.get("files", {}).items() for e in es}
    for kind, entries in now["files"].items():
        for entry in entries:
            if (kind, entry["path"]) not in known:
                differences.append(
                    Message("cli.verify.file_unrecorded", kind=kind, path=entry["path"])
                )
    before, after = recorded.get("archive") or {}, now.get("archive") or {}
    if before.get("sha256") != after.get("sha256"):
        differences.append(
            Message(
                "cli.verify.archive_changed",
                as_of=before.get("as_of"),
                recorded=before.get("findings"),
                now=after.get("findings"),
                recorded_sha=str(before.get("sha256"))[:12],
                now_sha=str(after.get("sha256"))[:12],
            )
        )

    drawn = compare_draws(recorded, now)
    differences += drawn
    skip = _CHECKED_APART | (_DRAW_FIELDS if drawn else set())
    differences += field_differences(recorded, now, skip)
    logger.info("verify %s: %d differences", audit_path, len(differences))
    return VerifyResult(not differences, differences, notes, str(audit_path))
