"""The inspector draw (双随机's second random): teams from the roster, firms to teams.

Rules
-----
* **Pool**: inspectors of the campaign's partner agencies (or of ``params.agencies`` when
  given; agency names are matched with :func:`inspectlib.campaigns.canonical_agency`).
* **Availability**: an inspector is drawn only if available for the *whole* window
  (``available_from`` on or before the window start and ``available_to`` on or after its
  end; empty = no limit). Others are left out with a warning — the simplest rule that never
  puts an absent inspector on a team.
* **Agency rules**: every team has at least one member of each agency in the campaign's
  ``team_rules`` (restricted to the pool's agencies; a dropped rule is a warning).
* **Credentials**: every team has at least ``min_officers`` members holding a law-enforcement
  credential (roster ``credential_no`` / 执法证号 filled in); union and other staff join on
  top, ``team_size`` counts everyone. A roster without credential numbers cannot show who
  holds one: the rule is skipped with a warning (a :class:`~inspectlib.notices.Notice`).
* **Number of teams**: ``params.teams`` when given; otherwise as many as the pool and the
  agency rules allow, at most :data:`MAX_AUTO_TEAMS` and at most the number of firms.
* **Draw**: one seeded permutation of the pool; each rule's seat is filled from the first
  inspectors of that agency in permutation order, remaining seats round-robin from the rest
  (a team still short of credential holders takes the next holder instead).
* **回避**: no member of a team may have the firm's town as ``home_town``, nor list the firm
  among their ``conflict_firm_ids`` (回避企业: credit codes separated by ``;``, compared as
  :func:`inspectlib.register.normalize_firm_ids` writes them).
* **Rotation**: a firm is not given to a team whose members are exactly the team that
  inspected it last time (history ``team`` labels are inspector ids joined by ``+``, e.g.
  ``I003+I017``; other label styles cannot be checked and give a warning).
* **Assignment**: a max-flow over (town, forbidden team) classes with team capacities raised
  in steps gives every team ``n // teams`` or one more firm whenever the rules allow that, and
  otherwise the most even split possible (with a warning). If some firm has no team at all
  under 回避/rotation, or a team is short of credential holders, the team draw is repeated
  with the same random stream (at most :data:`MAX_ATTEMPTS` times); every such re-draw is
  logged (:attr:`InspectorDraw.redraws`, audit.json ``redraws``) with the rule that forced
  it, the firms or teams concerned and the reason (in English for developers; the words of
  a rule in any language: :func:`redraw_reason`). If every attempt
  fails, a :class:`PlanningError` lists the firms.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from inspectlib import catalogue
from inspectlib.campaigns import Campaign, agency_name, canonical_agency
from inspectlib.errors import Both, Message, PlanningError
from inspectlib.notices import Notice
from inspectlib.register import normalize_firm_ids

MAX_AUTO_TEAMS = 8
MAX_ATTEMPTS = 20
#: Rules that can force a re-draw of the teams, as logged in ``redraws``.
REDRAW_RULES = ("home_town", "conflict", "rotation", "credentials")


@dataclass(frozen=True)
class InspectorDraw:
    """Teams (one row per member), firm → team assignments, warnings, and the re-draws that
    rules forced (``attempt``, ``rule`` from :data:`REDRAW_RULES`, ``reason``, and
    ``firm_ids`` or ``teams``)."""

    teams: pd.DataFrame
    assignments: pd.DataFrame
    warnings: list[Notice]
    redraws: list[dict] = field(default_factory=list)


def prepare_roster(
    roster: pd.DataFrame,
    campaign: Campaign,
    *,
    window: tuple[dt.date, dt.date],
    agencies: list[str] | None = None,
) -> tuple[pd.DataFrame, tuple[str, ...], list[Notice]]:
    """The inspectors who may be drawn, the team rules that apply, and warnings.

    Returns
    -------
    pool : DataFrame
        Sorted by ``inspector_id``, with the canonical ``agency``, ``officer`` (holds a
        credential) and ``conflicts`` (frozenset of normalised firm ids).
    rules : tuple of str
        Agencies every team must include.
    warnings : list of Notice
    """
    warnings: list[Notice] = []
    r = roster.copy()
    for col in (
        "inspector_id",
        "name",
        "agency",
        "home_town",
        "credential_no",
        "conflict_firm_ids",
    ):
        r[col] = r[col].fillna("").astype("str").str.strip() if col in r else ""
    r["officer"] = r["credential_no"] != ""
    r["conflicts"] = [conflict_ids(text) for text in r["conflict_firm_ids"]]
    for col in ("available_from", "available_to"):
        r[col] = pd.to_datetime(r[col]) if col in r else pd.NaT
    r = r.sort_values("inspector_id", kind="stable")
    dup = r["inspector_id"].duplicated()
    if dup.any():
        ids = sorted(set(r.loc[dup, "inspector_id"]))
        warnings.append(Notice("teams.roster_duplicates", {"ids": ids}))
        r = r[~dup]
    r["agency"] = [canonical_agency(a) for a in r["agency"]]
    allowed = [canonical_agency(a) for a in agencies] if agencies else list(campaign.agencies)
    pool = r[r["agency"].isin(allowed)]
    start, end = pd.Timestamp(window[0]), pd.Timestamp(window[1])
    away = (pool["available_from"] > start) | (pool["available_to"] < end)
    if away.any():
        shown = [
            f"{row.inspector_id} ({_span(row.available_from, row.available_to)})"
            for row in pool[away].itertuples()
        ]
        span = {"start": window[0], "end": window[1], "who": shown}
        warnings.append(Notice("teams.unavailable", {"n": len(shown)} | span))
    pool = pool[~away].reset_index(drop=True)
    rules = tuple(a for a in campaign.team_rules if a in allowed)
    for dropped in (a for a in campaign.team_rules if a not in allowed):
        warnings.append(Notice("teams.rule_dropped", {"agency": dropped}))
    return pool, rules, warnings


def conflict_ids(text: str) -> frozenset[str]:
    """An inspector's 回避企业 cell as normalised credit codes.

    Examples
    --------
    >>> sorted(conflict_ids("91320500-mA1xxxxx1x; 9132050012345678X9;"))
    ['9132050012345678X9', '91320500MA1XXXXX1X']
    """
    parts = [p for p in str(text).replace("；", ";").split(";") if p.strip()]
    if not parts:
        return frozenset()
    return frozenset(normalize_firm_ids(pd.Series(parts, dtype="str")).tolist())


def _span(start: pd.Timestamp, end: pd.Timestamp) -> str:
    a = "…" if pd.isna(start) else f"{start.date()}"
    b = "…" if pd.isna(end) else f"{end.date()}"
    return f"{a}–{b}"


def team_count(
    pool: pd.DataFrame,
    rules: tuple[str, ...],
    *,
    team_size: int,
    requested: int | None,
    n_firms: int,
    unavailable: str | Message = "",
    min_officers: int = 0,
) -> int:
    """Number of teams to draw (see module docstring).

    ``min_officers`` is the credential rule in force (0 when skipped); ``pool`` then needs an
    ``officer`` column.

    Raises
    ------
    PlanningError
        When the pool cannot form the requested teams (or any team), naming the rule and
        the agency that is short.
    """
    if len(rules) > team_size:
        raise PlanningError(
            Message(
                "errors.teams.agencies_exceed",
                team_size=team_size,
                n=len(rules),
                agencies=[_agency(a) for a in rules],
            )
        )
    limits: list[tuple[int, Message]] = []
    if min_officers > 0:
        officer = pool["officer"].to_numpy(dtype=bool)
        without = [a for a in rules if not (officer & (pool["agency"] == a).to_numpy()).any()]
        if min_officers + len(without) > team_size:
            extra = (
                Message("errors.teams.without_credential", agencies=[_agency(a) for a in without])
                if without
                else ""
            )
            raise PlanningError(
                Message(
                    "errors.teams.credentials_exceed",
                    team_size=team_size,
                    min_officers=min_officers,
                    without=extra,
                    needed=min_officers + len(without),
                )
            )
        have = int(officer.sum())
        limits.append(
            (
                have // min_officers,
                Message("errors.teams.short_credentials", min_officers=min_officers, have=have),
            )
        )
    limits += [
        (
            len(pool) // team_size,
            Message("errors.teams.short_pool", n=len(pool), team_size=team_size),
        )
    ]
    for agency in rules:
        have = int((pool["agency"] == agency).sum())
        limits.append(
            (have, Message("errors.teams.short_agency", agency=_agency(agency), have=have))
        )
    feasible = min(n for n, _ in limits)
    want = requested if requested is not None else min(feasible, MAX_AUTO_TEAMS, n_firms)
    if want < 1 or want > feasible:
        short = next(text for n, text in limits if n < max(want, 1))
        asked = (
            Message("errors.teams.asked", want=want)
            if requested is not None
            else Message("errors.teams.none_formed")
        )
        raise PlanningError(
            Message("errors.teams.cannot_form", asked=asked, short=short, elsewhere=unavailable)
        )
    return want


def draw_teams(
    pool: pd.DataFrame,
    rules: tuple[str, ...],
    *,
    n_teams: int,
    team_size: int,
    rng: np.random.Generator,
    min_officers: int = 0,
) -> tuple[pd.DataFrame, list[str]]:
    """Draw ``n_teams`` teams of ``team_size`` at random, honouring the agency rules and,
    as far as this permutation allows, the credential rule.

    Each rule's seat takes the first inspector of that agency in permutation order, passing
    over those without a credential when the team has no seat left for them; the other seats
    take the next credential holder while the team is short of ``min_officers``, then anyone,
    in permutation order.

    Returns
    -------
    teams : DataFrame
        ``team`` ("T01", ...), ``seat``, ``inspector_id``, ``name``, ``agency``,
        ``home_town``, ``officer``, one row per member, sorted by team and seat.
    short : list of str
        Teams with fewer than ``min_officers`` credential holders (empty: the draw is good).
    """
    perm = [int(i) for i in rng.permutation(len(pool))]
    agency = pool["agency"].to_numpy()
    officer = (
        pool["officer"].to_numpy(dtype=bool) if "officer" in pool else np.zeros(len(pool), bool)
    )
    used = np.zeros(len(pool), dtype=bool)
    seats: list[tuple[int, int, int]] = []
    have = [0] * n_teams  # credential holders per team
    others = team_size - min_officers  # seats a team can give to members without one
    for s, rule in enumerate(rules):
        for t in range(n_teams):
            fits = [i for i in perm if not used[i] and agency[i] == rule]
            # no holder of this agency left: take the first anyway, the team stays short
            # of credential holders and the teams are drawn again
            pick = next((i for i in fits if officer[i] or s - have[t] < others), fits[0])
            seats.append((t, s, pick))
            used[pick] = True
            have[t] += int(officer[pick])

    def take(want_officer: bool) -> int | None:
        for i in perm:
            if not used[i] and (officer[i] or not want_officer):
                used[i] = True
                return i
        return None

    for s in range(len(rules), team_size):
        for t in range(n_teams):
            i = take(have[t] < min_officers)
            if i is None:
                i = take(False)  # no holder left: the team stays short, the draw is repeated
            seats.append((t, s, int(i)))
            have[t] += int(officer[i])
    rows = pool.iloc[[i for _, _, i in seats]]
    out = pd.DataFrame(
        {
            "team": [f"T{t + 1:02d}" for t, _, _ in seats],
            "seat": [s + 1 for _, s, _ in seats],
            "inspector_id": rows["inspector_id"].to_numpy(),
            "name": rows["name"].to_numpy(),
            "agency": rows["agency"].to_numpy(),
            "home_town": rows["home_town"].to_numpy(),
            "officer": officer[[i for _, _, i in seats]],
        }
    )
    short = [f"T{t + 1:02d}" for t in range(n_teams) if have[t] < min_officers]
    return out.sort_values(["team", "seat"], kind="stable").reset_index(drop=True), short


def last_teams(
    findings: pd.DataFrame | None, firm_ids: pd.Series, roster_ids: set[str], *, before: dt.date
) -> tuple[dict[str, frozenset[str]], list[Notice]]:
    """Composition of the team that last inspected each firm (when the label is parseable)."""
    if findings is None or findings.empty or "team" not in findings:
        return {}, []
    f = findings[
        findings["firm_id"].isin(firm_ids) & (findings["inspection_date"] < pd.Timestamp(before))
    ]
    f = f[f["team"].fillna("").astype("str").str.strip() != ""]
    if f.empty:
        return {}, []
    f = f.sort_values(["firm_id", "inspection_date", "team"], kind="stable")
    last = f.drop_duplicates("firm_id", keep="last")
    out: dict[str, frozenset[str]] = {}
    bad: list[str] = []
    for fid, label in zip(last["firm_id"], last["team"].astype("str"), strict=True):
        tokens = [t.strip() for t in label.split("+") if t.strip()]
        if tokens and all(t in roster_ids for t in tokens):
            out[fid] = frozenset(tokens)
        else:
            bad.append(label)
    warnings = []
    if bad:
        warnings.append(Notice("teams.rotation_unchecked", {"n": len(bad), "label": bad[0]}))
    return out, warnings


def _max_flow(cap: list[dict[int, int]], flow: list[dict[int, int]], s: int, t: int) -> int:
    """Augment ``flow`` to a maximum flow (Edmonds–Karp); returns the added amount."""
    added = 0
    while True:
        parent = {s: -1}
        queue = deque([s])
        while queue and t not in parent:
            u = queue.popleft()
            for v, c in cap[u].items():
                if v not in parent and c - flow[u].get(v, 0) > 0:
                    parent[v] = u
                    queue.append(v)
        if t not in parent:
            return added
        path, v = [], t
        while parent[v] != -1:
            path.append((parent[v], v))
            v = parent[v]
        push = min(cap[u][v] - flow[u].get(v, 0) for u, v in path)
        for u, v in path:
            flow[u][v] = flow[u].get(v, 0) + push
            flow[v][u] = flow[v].get(u, 0) - push
        added += push


def assign_firms(
    selected: pd.DataFrame,
    teams: pd.DataFrame,
    last: dict[str, frozenset[str]],
    rng: np.random.Generator,
    conflicts: dict[str, frozenset[str]] | None = None,
) -> tuple[pd.DataFrame | None, list[Notice], pd.DataFrame]:
    """Give every selected firm to a team, honouring 回避 and rotation, balancing load.

    Parameters
    ----------
    conflicts : dict, optional
        Inspector id → normalised firm ids that inspector never visits (回避企业).

    Returns
    -------
    assignments : DataFrame or None
        ``firm_id``, ``town``, ``team``, ``draw_order`` in draw order; None when some firm
        has no allowed team.
    warnings : list of str
    stuck : DataFrame
        The firms no team can take (empty on success), with ``rules``: the rules that shut
        teams out for it (names of :data:`REDRAW_RULES` joined by ``+``).
    """
    ids = sorted(teams["team"].unique())
    towns = {t: set(g["home_town"]) - {""} for t, g in teams.groupby("team")}
    comp = {t: frozenset(g["inspector_id"]) for t, g in teams.groupby("team")}
    by_comp = {c: t for t, c in comp.items()}
    firms = selected[["firm_id", "town", "draw_order"]].reset_index(drop=True)
    forbidden = [by_comp.get(last.get(f, frozenset()), "") for f in firms["firm_id"]]
    shut = _conflict_teams(firms["firm_id"], teams, conflicts or {})
    keys = list(zip(firms["town"].astype("str"), forbidden, shut, strict=True))
    classes = sorted(set(keys))
    allowed = {
        k: [j for j, t in enumerate(ids) if k[0] not in towns[t] and t != k[1] and t not in k[2]]
        for k in classes
    }
    class_no = {k: c for c, k in enumerate(classes)}
    firm_class = np.array([class_no[k] for k in keys], dtype=int)
    stuck = firms[[not allowed[k] for k in keys]] if keys else firms
    if len(stuck):
        why = []
        for k in (keys[i] for i in stuck.index):
            hits = (
                ("home_town", any(k[0] in towns[t] for t in ids)),
                ("conflict", bool(k[2])),
                ("rotation", bool(k[1])),
            )
            why.append("+".join(rule for rule, hit in hits if hit))
        return None, [], stuck.assign(rules=why)
    n, nt, nc = len(firms), len(ids), len(classes)
    src, sink = 0, nc + nt + 1
    cap: list[dict[int, int]] = [{} for _ in range(sink + 1)]
    for c, k in enumerate(classes):
        cap[src][1 + c] = int((firm_class == c).sum())
        for j in allowed[k]:
            cap[1 + c][1 + nc + j] = n
            cap[1 + nc + j].setdefault(1 + c, 0)
        cap[1 + c].setdefault(src, 0)
    flow: list[dict[int, int]] = [{} for _ in range(sink + 1)]
    total, per_team, even = 0, n // nt, -(-n // nt)
    level = max(per_team, 1)
    while True:
        for j in range(nt):
            cap[1 + nc + j][sink] = level
            cap[sink].setdefault(1 + nc + j, 0)
        total += _max_flow(cap, flow, src, sink)
        if total == n:
            break
        level += 1
    warnings = []
    if level > even:
        warnings.append(Notice("teams.uneven", {"level": level, "even": even}))
    team_of = np.empty(n, dtype=object)
    order = rng.permutation(n)
    order_class = firm_class[order]
    for c in range(nc):
        members = order[order_class == c]
        start = 0
        for j in range(nt):
            take = flow[1 + c].get(1 + nc + j, 0)
            if take > 0:
                team_of[members[start : start + take]] = ids[j]
                start += take
    out = firms.assign(team=team_of).sort_values("draw_order", kind="stable")
    return out[["firm_id", "town", "team", "draw_order"]].reset_index(drop=True), warnings, stuck


def _conflict_teams(
    firm_ids: pd.Series, teams: pd.DataFrame, conflicts: dict[str, frozenset[str]]
) -> list[tuple[str, ...]]:
    """For each firm, the teams (sorted) with a member who lists it among their conflicts."""
    by_firm: dict[str, set[str]] = {}
    for team, inspector in zip(teams["team"], teams["inspector_id"], strict=True):
        for firm in conflicts.get(inspector, ()):
            by_firm.setdefault(firm, set()).add(team)
    if not by_firm:
        return [()] * len(firm_ids)
    keys = normalize_firm_ids(firm_ids.astype("str"))
    return [tuple(sorted(by_firm.get(k, ()))) for k in keys]


def draw_inspectors(
    roster: pd.DataFrame,
    campaign: Campaign,
    selected: pd.DataFrame,
    findings: pd.DataFrame | None,
    *,
    window: tuple[dt.date, dt.date],
    team_size: int,
    n_teams: int | None = None,
    agencies: list[str] | None = None,
    min_officers: int = 0,
    rng_teams: np.random.Generator,
    rng_assign: np.random.Generator,
) -> InspectorDraw:
    """Draw the teams and assign the selected firms to them.

    Parameters
    ----------
    roster : DataFrame
        Canonical roster.
    campaign : Campaign
    selected : DataFrame
        Selected firms with ``firm_id``, ``town``, ``draw_order``.
    findings : DataFrame or None
        History, for rotation (``team`` column).
    window : (date, date)
    team_size : int
        Members per team, credential holders and other staff together.
    n_teams : int, optional
        Number of teams (``params.teams``); automatic when None.
    agencies : list of str, optional
        ``params.agencies``.
    min_officers : int
        Members per team holding a law-enforcement credential (``params.min_officers``);
        skipped, with a warning, when the roster has no credential numbers.
    rng_teams, rng_assign : numpy.random.Generator
        Seeded streams for the team draw and for splitting firms among allowed teams.

    Raises
    ------
    PlanningError
        When the roster cannot satisfy the agency or credential rules, or some firms cannot
        be given to any team under 回避/rotation after :data:`MAX_ATTEMPTS` team draws.
    """
    pool, rules, warnings = prepare_roster(roster, campaign, window=window, agencies=agencies)
    officers = min_officers
    if officers > 0 and not _has_credentials(roster):
        warnings.append(Notice("teams.no_credentials", {"n": officers}))
        officers = 0
    away = len(roster) - len(pool)
    note = Message("errors.teams.elsewhere", away=away) if away else ""
    count = team_count(
        pool,
        rules,
        team_size=team_size,
        requested=n_teams,
        n_firms=len(selected),
        unavailable=note,
        min_officers=officers,
    )
    last, rot_warn = last_teams(
        findings,
        selected["firm_id"],
        set(roster["inspector_id"].astype("str").str.strip()),
        before=window[0],
    )
    warnings += rot_warn
    conflicts = {i: c for i, c in zip(pool["inspector_id"], pool["conflicts"], strict=True) if c}
    stuck = selected.iloc[:0]
    redraws: list[dict] = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        teams, short = draw_teams(
            pool, rules, n_teams=count, team_size=team_size, rng=rng_teams, min_officers=officers
        )
        if short:
            redraws.append(
                {
                    "attempt": attempt,
                    "rule": "credentials",
                    "teams": short,
                    "reason": redraw_reason("credentials", "en", n=officers),
                }
            )
            continue
        assignments, more, stuck = assign_firms(
            selected, teams, last, rng_assign, conflicts=conflicts
        )
        if assignments is not None:
            if attempt > 1:
                warnings.append(Notice("teams.redrawn", {"k": attempt}))
            return InspectorDraw(teams, assignments, warnings + more, redraws)
        redraws += _stuck_log(attempt, stuck)
    if not len(stuck):
        raise PlanningError(
            Message(
                "errors.teams.credentials_never",
                count=count,
                attempts=MAX_ATTEMPTS,
                officers=officers,
            )
        )
    listed = [
        Message("errors.teams.stuck_firm", firm=r.firm_id, town=r.town)
        for r in stuck.head(20).itertuples()
    ]
    more_n = Message("errors.teams.more_firms", n=len(stuck) - 20) if len(stuck) > 20 else ""
    raise PlanningError(
        Message(
            "errors.teams.conflicts_stuck",
            n=len(stuck),
            attempts=MAX_ATTEMPTS,
            firms=listed,
            more=more_n,
        )
    )


def _agency(agency: str) -> Both:
    """An agency's name in both languages (for an error's words)."""
    return Both.of(lambda language: agency_name(agency, language))


def _has_credentials(roster: pd.DataFrame) -> bool:
    """Whether the roster says who holds a credential (some ``credential_no`` filled in)."""
    if "credential_no" not in roster:
        return False
    return bool(roster["credential_no"].fillna("").astype("str").str.strip().ne("").any())


def redraw_reason(rule: str, language: str, **values: object) -> str:
    """Why a team draw was redone, for one of :data:`REDRAW_RULES`, in ``language``.

    Examples
    --------
    >>> redraw_reason("credentials", "zh", n=2)
    '检查组持执法证人员少于 2 人'
    """
    return catalogue.text(f"teams.redraw.{rule}", language, **values)


def _stuck_log(attempt: int, stuck: pd.DataFrame) -> list[dict]:
    """One re-draw entry per rule that left firms without a team in this attempt."""
    entries = []
    for rule in REDRAW_RULES:
        hit = stuck[stuck["rules"].str.split("+").apply(lambda r, rule=rule: rule in r)]
        if len(hit):
            entries.append(
                {
                    "attempt": attempt,
                    "rule": rule,
                    "firm_ids": hit["firm_id"].astype("str").tolist(),
                    "reason": redraw_reason(rule, "en"),
                }
            )
    return entries
