"""Point-in-time features of the learned risk model: what was known about a firm on a date.

Each row of a *keys* frame names a firm (``firm_id``), a date (``as_of``) and a campaign
(``campaign``: the campaign the row is about — the inspected one for a training row, the
planned one when scoring). :func:`history_features` reads the findings archive **strictly
before** each row's date, so a past inspection is never described by itself or by anything
found on or after its day (the no-look-ahead rule, pinned by the tests):

``h_inspections``
    past inspections of the firm (any campaign, any result), as ``log(1 + n)``;
``h_viol_same`` / ``h_viol_other``
    past bad results (``violation`` or ``refused``) in the row's campaign / in the other
    campaigns (a firm that cheats on wages is likelier to break other rules);
``h_years_since``
    years since the last inspection (missing when never inspected);
``h_last_bad``
    1 when the last inspection found a violation or was refused, 0 when not (missing when
    never inspected);
``h_back_wages`` / ``h_workers``
    ``log(1 + total)`` of back wages (yuan) and workers affected recorded before.

:func:`register_features` gives the register's facts as today (complaints, credit grade,
union, outdoor work, size, industry section, ownership, priority industry of the row's
campaign). A firm that is no longer in the register (closed firms, older snapshots) keeps
its history rows; its register features are missing (NaN) and the models handle that
(HistGradientBoosting natively, the logistic regression by imputation with a
missing-value indicator).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from inspectlib.campaigns import get_campaign
from inspectlib.errors import ParamsError
from inspectlib.risk import BAD_RESULTS

HISTORY_COLUMNS: tuple[str, ...] = (
    "h_inspections",
    "h_viol_same",
    "h_viol_other",
    "h_years_since",
    "h_last_bad",
    "h_back_wages",
    "h_workers",
)
REGISTER_COLUMNS: tuple[str, ...] = (
    "r_complaints",
    "r_grade",
    "r_no_union",
    "r_outdoor",
    "r_log_employees",
    "r_small",
    "r_priority",
)
CATEGORY_COLUMNS: tuple[str, ...] = ("section", "ownership")
SMALL_FIRM = 20
"""Employees below which a firm counts as small (``r_small``)."""
_DAY_NS = 86_400 * 10**9


def history_features(keys: pd.DataFrame, findings: pd.DataFrame | None) -> pd.DataFrame:
    """Features of each key row from the findings dated strictly before its ``as_of``.

    Parameters
    ----------
    keys : DataFrame
        ``firm_id``, ``as_of`` (datetime64) and ``campaign`` per row.
    findings : DataFrame or None
        Canonical findings (``firm_id``, ``campaign``, ``inspection_date``, ``result``;
        ``back_wages_yuan`` and ``workers_affected`` when present).

    Returns
    -------
    DataFrame
        :data:`HISTORY_COLUMNS`, aligned with ``keys`` (positional, index 0..n-1).

    Examples
    --------
    >>> f = pd.DataFrame({"firm_id": ["a", "a"], "campaign": ["wage", "heat"],
    ...     "inspection_date": pd.to_datetime(["2024-01-05", "2024-08-01"]),
    ...     "result": ["violation", "compliant"]})
    >>> k = pd.DataFrame({"firm_id": ["a", "a"], "campaign": ["heat", "heat"],
    ...     "as_of": pd.to_datetime(["2024-08-01", "2024-08-02"])})
    >>> history_features(k, f)[["h_viol_same", "h_viol_other", "h_last_bad"]]
       h_viol_same  h_viol_other  h_last_bad
    0          0.0           1.0         1.0
    1          0.0           1.0         0.0
    """
    n = len(keys)
    out = pd.DataFrame(
        {
            "h_inspections": np.zeros(n),
            "h_viol_same": np.zeros(n),
            "h_viol_other": np.zeros(n),
            "h_years_since": np.full(n, np.nan),
            "h_last_bad": np.full(n, np.nan),
            "h_back_wages": np.zeros(n),
            "h_workers": np.zeros(n),
        }
    )
    if findings is None or len(findings) == 0 or n == 0:
        return out
    cols = ["firm_id", "campaign", "inspection_date", "result"]
    hist = findings[cols].copy()
    for col in ("back_wages_yuan", "workers_affected"):
        values = findings[col] if col in findings else pd.Series(np.nan, index=findings.index)
        hist[col] = pd.to_numeric(values, errors="coerce").astype(float).fillna(0.0).clip(0)
    hist = hist[hist["inspection_date"].notna()]
    # only the keys of firms with some history (few of a register's million) go further
    seen = np.flatnonzero(keys["firm_id"].isin(hist["firm_id"].unique()).to_numpy(dtype=bool))
    k = pd.DataFrame(
        {
            "row": seen,
            "firm_id": keys["firm_id"].to_numpy()[seen],
            "as_of": pd.to_datetime(keys["as_of"]).to_numpy("datetime64[ns]")[seen],
            "key_campaign": keys["campaign"].to_numpy()[seen],
        }
    )
    pairs = k.merge(hist, on="firm_id", how="inner")
    pairs = pairs[pairs["inspection_date"] < pairs["as_of"]]  # strictly before: no look-ahead
    if pairs.empty:
        return out
    bad = pairs["result"].isin(BAD_RESULTS).to_numpy()
    same = (pairs["campaign"] == pairs["key_campaign"]).to_numpy()
    pairs = pairs.assign(
        bad_same=(bad & same).astype(float),
        bad_other=(bad & ~same).astype(float),
        bad=bad.astype(float),
    )
    g = pairs.groupby("row")
    rows = g.size().index.to_numpy()
    out.loc[rows, "h_inspections"] = np.log1p(g.size().to_numpy())
    out.loc[rows, "h_viol_same"] = g["bad_same"].sum().to_numpy()
    out.loc[rows, "h_viol_other"] = g["bad_other"].sum().to_numpy()
    out.loc[rows, "h_back_wages"] = np.log1p(g["back_wages_yuan"].sum().to_numpy())
    out.loc[rows, "h_workers"] = np.log1p(g["workers_affected"].sum().to_numpy())
    last = pairs.sort_values(["row", "inspection_date", "bad"], kind="stable")
    last = last.drop_duplicates("row", keep="last")
    gap = (last["as_of"] - last["inspection_date"]).to_numpy("timedelta64[ns]").astype(np.int64)
    out.loc[last["row"].to_numpy(), "h_years_since"] = gap / _DAY_NS / 365.25
    out.loc[last["row"].to_numpy(), "h_last_bad"] = last["bad"].to_numpy()
    return out


def register_features(
    rows: pd.DataFrame, present: np.ndarray, campaigns: np.ndarray
) -> pd.DataFrame:
    """The register's facts per row, missing (NaN / ``""``) where ``present`` is False.

    Parameters
    ----------
    rows : DataFrame
        Complete register rows (:func:`inspectlib.risk.complete_register`), one per key row
        (a placeholder row for firms not in the register).
    present : numpy.ndarray of bool
        Whether the firm is in the current register.
    campaigns : numpy.ndarray of str
        The campaign of each row (for its priority industries).

    Returns
    -------
    DataFrame
        :data:`REGISTER_COLUMNS` (float, NaN = unknown) and :data:`CATEGORY_COLUMNS` (str,
        ``""`` = unknown), positional.
    """
    n = len(rows)
    complaints = rows["complaints_12m"].astype("Int64").fillna(0).to_numpy(dtype=float)
    grade = rows["credit_grade"].fillna("").astype("str").str.upper().to_numpy()
    grade_num = np.select([grade == "A", grade == "B", grade == "C"], [0.0, 1.0, 2.0], np.nan)
    union = rows["has_union"].astype("boolean").to_numpy(dtype=float, na_value=np.nan)
    outdoor = rows["outdoor_work"].astype("boolean").to_numpy(dtype=float, na_value=np.nan)
    emp = rows["employees"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    priority = np.zeros(n)
    for cid in pd.unique(campaigns):
        mask = campaigns == cid
        try:
            campaign = get_campaign(str(cid))
        except ParamsError:  # an unknown campaign has no priority industries
            continue
        sub = rows if mask.all() else rows[mask]
        hit = np.zeros(int(mask.sum()), dtype=bool)
        for rule in campaign.priority_industries:
            hit |= np.asarray(rule.matches(sub), dtype=bool)
        priority[mask] = hit
    out = pd.DataFrame(
        {
            "r_complaints": np.log1p(np.clip(complaints, 0, None)),
            "r_grade": grade_num,
            "r_no_union": 1.0 - union,
            "r_outdoor": outdoor,
            "r_log_employees": np.log1p(emp),
            "r_small": np.where(np.isnan(emp), np.nan, (emp < SMALL_FIRM).astype(float)),
            "r_priority": priority,
        }
    )
    out.loc[~present, list(REGISTER_COLUMNS)] = np.nan
    for name, col in (("section", "industry_section"), ("ownership", "ownership")):
        values = rows[col].fillna("").astype("str")
        out[name] = values.array if present.all() else np.where(present, values, "")
    return out


def register_rows(register: pd.DataFrame, firm_ids: pd.Series) -> tuple[pd.DataFrame, np.ndarray]:
    """The complete register row of each firm id (a placeholder row when the firm is not in
    the register), and whether it is there.

    ``register`` must be complete (:func:`inspectlib.risk.complete_register`); a placeholder
    has no complaints, no grade, unknown size and union, so the expert factors see nothing.
    """
    from inspectlib.risk import complete_register

    ids = firm_ids.astype("str").to_numpy()
    index = pd.Index(register["firm_id"].to_numpy())
    if not index.is_unique:
        index = pd.Index(register["firm_id"].drop_duplicates().to_numpy())
    pos = index.get_indexer(ids) if len(index) else np.full(len(ids), -1)
    present = pos >= 0
    blank = complete_register(pd.DataFrame({"firm_id": pd.Series(ids, dtype="str")}))
    if not len(register) or not present.any():
        return blank, present
    found = register.iloc[pos[present]].reset_index(drop=True)
    if present.all():
        return found, present
    rows = pd.concat([found, blank[~present].reset_index(drop=True)], ignore_index=True)
    order = np.empty(len(ids), dtype=int)
    order[np.flatnonzero(present)] = np.arange(int(present.sum()))
    order[np.flatnonzero(~present)] = int(present.sum()) + np.arange(int((~present).sum()))
    rows = rows.iloc[order].reset_index(drop=True)
    for col in ("employees", "complaints_12m"):
        rows[col] = rows[col].astype("Int64")
    for col in ("has_union", "outdoor_work"):
        rows[col] = rows[col].astype("boolean")
    return rows, present


def feature_rows(
    rows: pd.DataFrame, present: np.ndarray, keys: pd.DataFrame, findings: pd.DataFrame | None
) -> pd.DataFrame:
    """Register and history features of every key row (``firm_id``, ``as_of``, ``campaign``).

    ``rows`` and ``present`` come from :func:`register_rows` (or are the pool itself, all
    present). Returns :data:`REGISTER_COLUMNS`, :data:`CATEGORY_COLUMNS`,
    :data:`HISTORY_COLUMNS` and ``campaign``, positional.
    """
    keys = keys.reset_index(drop=True)
    campaign = keys["campaign"].astype("str")
    campaigns = campaign.to_numpy()
    out = register_features(rows.reset_index(drop=True), present, campaigns)
    out = pd.concat([out, history_features(keys, findings)], axis=1)
    out["campaign"] = campaign.array
    return out
