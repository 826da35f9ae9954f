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
* **Number of teams**: ``params.teams`` when given; otherwise as many as the pool and the
  agency rules allow, at most :data:`MAX_AUTO_TEAMS` and at most the number of firms.
* **Draw**: one seeded permutation of the pool; each rule's seat is filled from the first
  inspectors of that agency in permutation order, remaining seats round-robin from the rest.
* **回避**: no member of a team may have the firm's town as ``home_town``.
* **Rotation**: a firm is not given to a team whose members are exactly the team that
  inspected it last time (history ``team`` labels are inspector ids joined by ``+``, e.g.
  ``I003+I017``; other label styles cannot be checked and give a warning).
* **Assignment**: a max-flow over (town, forbidden team) classes with team capacities raised
  in steps gives every team ``n // teams`` or one more firm whenever the rules allow that, and
  otherwise the most even split possible (with a warning). If some firm has no team at all
  under 回避/rotation, the team draw is repeated with the same random stream (at most
  :data:`MAX_ATTEMPTS` times, recorded in the warnings); if every attempt fails, a
  :class:`PlanningError` lists the firms.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass

import numpy as np
import pandas as pd

from inspectlib.campaigns import Campaign, canonical_agency
from inspectlib.errors import PlanningError

MAX_AUTO_TEAMS = 8
MAX_ATTEMPTS = 20


@dataclass(frozen=True)
class InspectorDraw:
    """Teams (one row per member), firm → team assignments and warnings."""

    teams: pd.DataFrame
    assignments: pd.DataFrame
    warnings: list[str]


def prepare_roster(
    roster: pd.DataFrame,
    campaign: Campaign,
    *,
    window: tuple[dt.date, dt.date],
    agencies: list[str] | None = None,
) -> tuple[pd.DataFrame, tuple[str, ...], list[str]]:
    """The inspectors who may be drawn, the team rules that apply, and warnings.

    Returns
    -------
    pool : DataFrame
        Sorted by ``inspector_id``, with the canonical ``agency``.
    rules : tuple of str
        Agencies every team must include.
    warnings : list of str
    """
    warnings: list[str] = []
    r = roster.copy()
    for col in ("inspector_id", "name", "agency", "home_town"):
        r[col] = r[col].fillna("").astype("str").str.strip() if col in r else ""
    for col in ("available_from", "available_to"):
        r[col] = pd.to_datetime(r[col]) if col in r else pd.NaT
    r = r.sort_values("inspector_id", kind="stable")
    dup = r["inspector_id"].duplicated()
    if dup.any():
        warnings.append(
            "roster: inspector_id repeated, first row used: "
            + ", ".join(sorted(set(r.loc[dup, "inspector_id"])))
        )
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
        warnings.append(
            f"{len(shown)} inspectors are not available for the whole window "
            f"{window[0]}–{window[1]} and are not drawn: {', '.join(shown)}"
        )
    pool = pool[~away].reset_index(drop=True)
    rules = tuple(a for a in campaign.team_rules if a in allowed)
    for dropped in (a for a in campaign.team_rules if a not in allowed):
        warnings.append(
            f"team rule 'every team includes a {dropped} inspector' dropped: "
            f"{dropped} is not in params.agencies"
        )
    return pool, rules, warnings


def _span(start: pd.Timestamp, end: pd.Timestamp) -> str:
    a = "" if pd.isna(start) else f"from {start.date()}"
    b = "" if pd.isna(end) else f"to {end.date()}"
    return " ".join(x for x in (a, b) if x)


def team_count(
    pool: pd.DataFrame,
    rules: tuple[str, ...],
    *,
    team_size: int,
    requested: int | None,
    n_firms: int,
    unavailable: str = "",
) -> int:
    """Number of teams to draw (see module docstring).

    Raises
    ------
    PlanningError
        When the pool cannot form the requested teams (or any team), naming the rule and
        the agency that is short.
    """
    if len(rules) > team_size:
        raise PlanningError(
            f"team_size {team_size} cannot hold one inspector of each of the "
            f"{len(rules)} agencies every team needs ({', '.join(rules)})"
        )
    limits = [
        (
            len(pool) // team_size,
            f"the pool has {len(pool)} available inspectors for teams of {team_size}",
        )
    ]
    for agency in rules:
        have = int((pool["agency"] == agency).sum())
        limits.append(
            (
                have,
                f"the rule 'every team includes a {agency} inspector' needs one "
                f"{agency} inspector per team and only {have} are available",
            )
        )
    feasible = min(n for n, _ in limits)
    want = requested if requested is not None else min(feasible, MAX_AUTO_TEAMS, n_firms)
    if want < 1 or want > feasible:
        short = next(text for n, text in limits if n < max(want, 1))
        asked = (
            f"params.teams asks for {want} teams"
            if requested is not None
            else "no team can be formed"
        )
        raise PlanningError(
            f"{asked}, but {short}{unavailable}: add inspectors to the roster, "
            "widen params.agencies or lower teams/team_size"
        )
    return want


def draw_teams(
    pool: pd.DataFrame,
    rules: tuple[str, ...],
    *,
    n_teams: int,
    team_size: int,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Draw ``n_teams`` teams of ``team_size`` at random, honouring the agency rules.

    Returns
    -------
    DataFrame
        ``team`` ("T01", ...), ``seat``, ``inspector_id``, ``name``, ``agency``,
        ``home_town``, one row per member, sorted by team and seat.
    """
    perm = rng.permutation(len(pool))
    agency = pool["agency"].to_numpy()
    used = np.zeros(len(pool), dtype=bool)
    seats: list[tuple[int, int, int]] = []
    for s, rule in enumerate(rules):
        picks = [i for i in perm if agency[i] == rule][:n_teams]
        for t, i in enumerate(picks):
            seats.append((t, s, int(i)))
            used[i] = True
    rest = [int(i) for i in perm if not used[i]]
    it = iter(rest)
    for s in range(len(rules), team_size):
        for t in range(n_teams):
            seats.append((t, s, next(it)))
    rows = pool.iloc[[i for _, _, i in seats]]
    out = pd.DataFrame(
        {
            "team": [f"T{t + 1:02d}" for t, _, _ in seats],
            "seat": [s + 1 for _, s, _ in seats],
            "inspector_id": rows["inspector_id"].to_numpy(),
            "name": rows["name"].to_numpy(),
            "agency": rows["agency"].to_numpy(),
            "home_town": rows["home_town"].to_numpy(),
        }
    )
    return out.sort_values(["team", "seat"], kind="stable").reset_index(drop=True)


def last_teams(
    findings: pd.DataFrame | None, firm_ids: pd.Series, roster_ids: set[str], *, before: dt.date
) -> tuple[dict[str, frozenset[str]], list[str]]:
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
        warnings.append(
            f"rotation not checked for {len(bad)} selected firms: their last team "
            f"label (e.g. {bad[0]!r}) is not inspector ids joined by '+'"
        )
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
) -> tuple[pd.DataFrame | None, list[str], pd.DataFrame]:
    """Give every selected firm to a team, honouring 回避 and rotation, balancing load.

    Returns
    -------
    assignments : DataFrame or None
        ``firm_id``, ``town``, ``team``, ``draw_order`` in draw order; None when some firm
        has no allowed team.
    warnings : list of str
    stuck : DataFrame
        The firms no team can take (empty on success).
    """
    ids = sorted(teams["team"].unique())
    towns = {t: set(g["home_town"]) - {""} for t, g in teams.groupby("team")}
    comp = {t: frozenset(g["inspector_id"]) for t, g in teams.groupby("team")}
    by_comp = {c: t for t, c in comp.items()}
    firms = selected[["firm_id", "town", "draw_order"]].reset_index(drop=True)
    forbidden = [by_comp.get(last.get(f, frozenset()), "") for f in firms["firm_id"]]
    keys = list(zip(firms["town"].astype("str"), forbidden, strict=True))
    classes = sorted(set(keys))
    allowed = {
        k: [j for j, t in enumerate(ids) if k[0] not in towns[t] and t != k[1]] for k in classes
    }
    class_no = {k: c for c, k in enumerate(classes)}
    firm_class = np.array([class_no[k] for k in keys], dtype=int)
    stuck = firms[[not allowed[k] for k in keys]] if keys else firms
    if len(stuck):
        return None, [], stuck
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
        warnings.append(
            f"回避/rotation rules prevent an even split: up to {level} firms per "
            f"team instead of {even}"
        )
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
    n_teams : int, optional
        Number of teams (``params.teams``); automatic when None.
    agencies : list of str, optional
        ``params.agencies``.
    rng_teams, rng_assign : numpy.random.Generator
        Seeded streams for the team draw and for splitting firms among allowed teams.

    Raises
    ------
    PlanningError
        When the roster cannot satisfy the agency rules, or some firms cannot be given to
        any team under 回避/rotation after :data:`MAX_ATTEMPTS` team draws.
    """
    pool, rules, warnings = prepare_roster(roster, campaign, window=window, agencies=agencies)
    away = len(roster) - len(pool)
    note = f" ({away} roster entries are of other agencies or unavailable)" if away else ""
    count = team_count(
        pool, rules, team_size=team_size, requested=n_teams, n_firms=len(selected), unavailable=note
    )
    last, rot_warn = last_teams(
        findings,
        selected["firm_id"],
        set(roster["inspector_id"].astype("str").str.strip()),
        before=window[0],
    )
    warnings += rot_warn
    stuck = selected.iloc[:0]
    for attempt in range(1, MAX_ATTEMPTS + 1):
        teams = draw_teams(pool, rules, n_teams=count, team_size=team_size, rng=rng_teams)
        assignments, more, stuck = assign_firms(selected, teams, last, rng_assign)
        if assignments is not None:
            if attempt > 1:
                warnings.append(
                    f"teams drawn {attempt} times: earlier draws left firms that no "
                    "team could inspect under 回避/rotation"
                )
            return InspectorDraw(teams, assignments, warnings + more)
    listed = ", ".join(f"{r.firm_id} ({r.town})" for r in stuck.head(20).itertuples())
    more_n = f" and {len(stuck) - 20} more" if len(stuck) > 20 else ""
    raise PlanningError(
        f"{len(stuck)} firms cannot be given to any team without breaking 回避 (no inspector "
        f"inspects firms in their own home town) or rotation, in {MAX_ATTEMPTS} team draws: "
        f"{listed}{more_n}. Add inspectors from other towns to the roster, or change team_size "
        "or teams."
    )
