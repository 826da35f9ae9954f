"""The synthetic inspector roster (执法人员名单) of the demo region."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from inspectlib.demo import vocab
from inspectlib.demo.names import person_names


def build_roster(rng: np.random.Generator, towns: pd.DataFrame, plan_year: int) -> pd.DataFrame:
    """48 inspectors from the eight agencies of :data:`vocab.AGENCIES`.

    Half of them live in the three urban 街道, the rest anywhere. Six have availability
    limits in ``plan_year``: two join on 1 March, two leave on 30 June, one is away until
    1 September and one leaves on 15 November. Everyone but the union's staff holds a
    law-enforcement credential (执法证号), except two new 人社局 inspectors who have none
    yet; conflicts (回避企业) are added by :func:`add_conflicts` once firms exist.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    towns : DataFrame
        From :func:`inspectlib.demo.world.build_towns`.
    plan_year : int
        Year the availability dates fall in.

    Returns
    -------
    DataFrame
        Columns ``inspector_id``, ``name``, ``agency``, ``home_town``, ``available_from``,
        ``available_to`` (``datetime.date`` or None), ``credential_no`` ("" when none).
    """
    ids: list[str] = []
    agencies: list[str] = []
    for agency, prefix, count in vocab.AGENCIES:
        ids += [f"{prefix}{k:02d}" for k in range(1, count + 1)]
        agencies += [agency] * count
    n = len(ids)
    names = person_names(rng, n)
    while pd.Series(names).duplicated().any():
        dup = pd.Series(names).duplicated().to_numpy()
        names[dup] = person_names(rng, int(dup.sum()))
    all_towns = towns["town"].to_numpy(dtype=object)
    urban = towns.loc[towns["kind"] == "street", "town"].to_numpy(dtype=object)
    home = np.where(
        rng.random(n) < 0.5,
        urban[rng.integers(0, len(urban), n)],
        all_towns[rng.integers(0, len(all_towns), n)],
    )
    available_from: list[dt.date | None] = [None] * n
    available_to: list[dt.date | None] = [None] * n
    limited = rng.choice(n, 6, replace=False)
    limits = [
        (dt.date(plan_year, 3, 1), None),
        (dt.date(plan_year, 3, 1), None),
        (None, dt.date(plan_year, 6, 30)),
        (None, dt.date(plan_year, 6, 30)),
        (dt.date(plan_year, 9, 1), None),
        (None, dt.date(plan_year, 11, 15)),
    ]
    for i, (start, end) in zip(limited, limits, strict=True):
        available_from[i], available_to[i] = start, end
    agency = np.array(agencies, dtype=object)
    holds = agency != "总工会"
    holds[rng.choice(np.flatnonzero(agency == "人社局"), 2, replace=False)] = False
    credential = [
        f"{code}{plan_year % 100:02d}{int(rng.integers(10_000, 100_000))}" if h else ""
        for code, h in zip(["苏执"] * n, holds, strict=True)
    ]
    return pd.DataFrame(
        {
            "inspector_id": ids,
            "name": names,
            "agency": agencies,
            "home_town": home,
            "available_from": available_from,
            "available_to": available_to,
            "credential_no": credential,
        }
    )


def add_conflicts(
    rng: np.random.Generator, roster: pd.DataFrame, firms: pd.DataFrame, inspectors: int = 10
) -> pd.DataFrame:
    """Give ``inspectors`` inspectors 1–3 conflicts (回避企业: a relative works there, a former
    employer) among the firms with the most complaints, which draws often pick.

    Returns
    -------
    DataFrame
        ``roster`` with ``conflict_firm_ids`` (credit codes joined by ``;``, "" when none).
    """
    likely = firms.sort_values("complaints_12m", ascending=False, kind="stable")["firm_id"]
    likely = likely.head(max(30, len(firms) // 20)).to_numpy(dtype=object)
    cells = [""] * len(roster)
    for i in rng.choice(len(roster), inspectors, replace=False):
        picks = rng.choice(len(likely), int(rng.integers(1, 4)), replace=False)
        cells[int(i)] = ";".join(str(likely[k]) for k in sorted(picks))
    return roster.assign(conflict_firm_ids=cells)
