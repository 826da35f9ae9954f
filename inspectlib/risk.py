"""Expert risk scores with a plain-language reason for every point.

Each risk factor has a *strength* between 0 and 1 per firm (e.g. complaints: ``1 - 0.5**n``,
so 1 complaint = 0.5, 2 = 0.75, 3 = 0.875) and a weight (the campaign's expert default,
overridable by ``params.weights``). A firm's *points* for a factor are weight × strength, and
its score is

    score = sum of points / sum of weights

so the score is on a fixed 0–1 scale that does not depend on the other firms: 0 = no risk
factor present, 1 = every factor at full strength. Scores are rounded to 6 decimals so that a
draw made on another machine ranks firms identically.

History factors (past violation, time since last inspection) use only findings dated strictly
before the date the score is computed for (``today``: the campaign window start), so an
inspection never explains itself. The learned model lives in :mod:`inspectlib.risk_model`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from inspectlib import catalogue
from inspectlib.campaigns import Campaign, get_campaign
from inspectlib.errors import Message, ParamsError
from inspectlib.industry import code_digits, section_of

FACTORS: tuple[str, ...] = (
    "complaints",
    "past_violation",
    "credit_grade",
    "no_union",
    "large_workforce",
    "priority_industry",
    "outdoor_work",
    "not_recently_inspected",
)
BAD_RESULTS: tuple[str, ...] = ("violation", "refused")
VIOLATION_HORIZON_YEARS = 5
LONG_UNINSPECTED_YEARS = 3
SCORE_DECIMALS = 6


def complete_register(register: pd.DataFrame) -> pd.DataFrame:
    """Return a copy with every column the risk and draw code reads, with safe defaults.

    Loaders already produce these columns; this makes hand-built frames (tests, notebooks)
    usable too. Missing counts become 0 complaints; a missing section is derived from the
    industry code.
    """
    out = register.copy()
    n = len(out)
    for col in ("firm_id", "town", "industry_code", "industry_section", "credit_grade"):
        out[col] = (
            out[col].fillna("").astype("str")
            if col in out
            else pd.Series([""] * n, index=out.index, dtype="str")
        )
    for col in ("name", "address", "industry", "ownership"):  # shown, never computed on
        out[col] = out[col].fillna("") if col in out else ""
    for col in ("lon", "lat"):
        out[col] = out[col].astype(float) if col in out else np.nan
    out["employees"] = (
        out["employees"].astype("Int64")
        if "employees" in out
        else pd.array([pd.NA] * n, dtype="Int64")
    )
    for col in ("has_union", "outdoor_work"):
        out[col] = (
            out[col].astype("boolean") if col in out else pd.array([pd.NA] * n, dtype="boolean")
        )
    out["complaints_12m"] = (
        out["complaints_12m"].astype("Int64").fillna(0)
        if "complaints_12m" in out
        else pd.array([0] * n, dtype="Int64")
    )
    out["last_inspected"] = (
        pd.to_datetime(out["last_inspected"])
        if "last_inspected" in out
        else pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
    )
    if "industry_digits" not in out:  # the loader makes it; a hand-built frame may lack it
        out["industry_digits"] = code_digits(out["industry_code"])
    missing = (out["industry_section"] == "") & (out["industry_code"] != "")
    if missing.any():
        out.loc[missing, "industry_section"] = section_of(out.loc[missing, "industry_code"])
    return out


def resolve_weights(
    campaign: Campaign | str, overrides: Mapping[str, float] | None = None
) -> dict[str, float]:
    """The campaign's expert weights with ``params.weights`` applied.

    Any factor of :data:`FACTORS` may be given a weight (also one the campaign does not use
    by default, e.g. ``outdoor_work`` for the wage campaign); 0 switches a factor off.

    Raises
    ------
    ParamsError
        For an unknown factor name (naming the valid ones) or a negative weight.
    """
    campaign = get_campaign(campaign)
    weights = {name: 0.0 for name in FACTORS} | campaign.default_weights()
    for name, value in (overrides or {}).items():
        if name not in FACTORS:
            raise ParamsError(
                Message("errors.risk.unknown_factor", name=repr(name), factors=list(FACTORS))
            )
        if not np.isfinite(value) or value < 0:
            raise ParamsError(Message("errors.risk.negative_weight", name=name, value=repr(value)))
        weights[name] = float(value)
    return weights


def _history(keys: pd.DataFrame, findings: pd.DataFrame | None, campaign_id: str) -> pd.DataFrame:
    """Past violations and last inspection before each key's ``as_of`` date.

    ``keys`` has columns ``firm_id`` and ``as_of`` (datetime64); the result is aligned to
    its rows: ``bad_kind`` ("violation"/"refused"/""), ``bad_same`` (bool), ``bad_year``
    (int, 0 = none), ``bad_campaign`` (str) and ``last_seen`` (datetime64, NaT = none).
    """
    n = len(keys)
    out = pd.DataFrame(
        {
            "bad_kind": pd.Series("", index=range(n), dtype="str"),
            "bad_same": np.zeros(n, dtype=bool),
            "bad_year": np.zeros(n, dtype=int),
            "bad_campaign": pd.Series("", index=range(n), dtype="str"),
            "last_seen": pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]"),
        }
    )
    if findings is None or findings.empty or n == 0:
        return out
    hist = findings[["firm_id", "campaign", "inspection_date", "result"]]
    hist = hist[hist["inspection_date"].notna()]
    if hist.empty:
        return out
    k = keys[keys["firm_id"].isin(hist["firm_id"].unique())].reset_index(names="row")
    pairs = k.merge(hist, on="firm_id", how="inner")
    pairs = pairs[pairs["inspection_date"] < pairs["as_of"]]
    if pairs.empty:
        return out
    last = pairs.groupby("row")["inspection_date"].max()
    out.loc[last.index, "last_seen"] = last.to_numpy()
    horizon = pairs["as_of"] - pd.DateOffset(years=VIOLATION_HORIZON_YEARS)
    bad = pairs[pairs["result"].isin(BAD_RESULTS) & (pairs["inspection_date"] >= horizon)].copy()
    if not bad.empty:
        bad["same"] = bad["campaign"] == campaign_id
        bad = bad.sort_values(
            ["row", "same", "inspection_date", "campaign", "result"],
            ascending=[True, False, False, True, True],
            kind="stable",
        )
        top = bad.drop_duplicates("row")
        rows = top["row"].to_numpy()
        out.loc[rows, "bad_kind"] = top["result"].to_numpy()
        out.loc[rows, "bad_same"] = top["same"].to_numpy()
        out.loc[rows, "bad_year"] = top["inspection_date"].dt.year.to_numpy()
        out.loc[rows, "bad_campaign"] = top["campaign"].to_numpy()
    return out


def factor_table(
    register: pd.DataFrame,
    campaign: Campaign | str,
    *,
    today: dt.date | pd.Timestamp | pd.Series,
    findings: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Strength (0–1) of every risk factor per firm, plus the details the reasons quote.

    Parameters
    ----------
    register : DataFrame
        Canonical register rows (see :func:`complete_register`).
    campaign : Campaign or str
    today : date or Series of dates
        Date the history is read at (findings strictly before it count); a Series aligned to
        ``register`` gives one date per row (used to build training rows of the learned
        model as of each past inspection).
    findings : DataFrame, optional
        Canonical findings history.

    Returns
    -------
    DataFrame
        Aligned with ``register`` (same length, positional): one float column per name in
        :data:`FACTORS`, and detail columns starting with ``_``.
    """
    campaign = get_campaign(campaign)
    reg = register
    n = len(reg)
    if isinstance(today, pd.Series):
        as_of = pd.to_datetime(today).astype("datetime64[ns]").to_numpy()
    else:
        as_of = np.full(n, np.datetime64(pd.Timestamp(today), "ns"))
    t = {}
    complaints = reg["complaints_12m"].astype("Int64").fillna(0).to_numpy(dtype=float).clip(0)
    t["complaints"] = 1.0 - 0.5 ** np.minimum(complaints, 30)
    grade = reg["credit_grade"].fillna("").astype("str").str.upper()
    grade_code = (2 * (grade == "C") + (grade == "B")).to_numpy(dtype=np.int8)
    t["credit_grade"] = np.array([0.0, 0.4, 1.0])[grade_code]
    no_union = reg["has_union"].astype("boolean").eq(False).fillna(False)
    t["no_union"] = no_union.to_numpy(dtype=float)
    emp = reg["employees"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        lw = np.log10(emp / 20.0) / np.log10(50.0)
    t["large_workforce"] = np.nan_to_num(np.clip(lw, 0.0, 1.0), nan=0.0)
    label = np.full(n, -1, dtype=int)
    for i in range(len(campaign.priority_industries) - 1, -1, -1):
        label[campaign.priority_industries[i].matches(reg)] = i
    t["priority_industry"] = (label >= 0).astype(float)
    t["outdoor_work"] = reg["outdoor_work"].astype("boolean").fillna(False).to_numpy(dtype=float)
    keys = pd.DataFrame({"firm_id": reg["firm_id"].reset_index(drop=True), "as_of": as_of})
    hist = _history(keys, findings, campaign.id)
    t["past_violation"] = np.where(
        hist["bad_kind"].eq("").to_numpy(dtype=bool),
        0.0,
        np.where(hist["bad_same"].to_numpy(), 1.0, 0.6),
    )
    reg_last = pd.to_datetime(reg["last_inspected"]).to_numpy(dtype="datetime64[ns]")
    reg_last = np.where(reg_last < as_of, reg_last, np.datetime64("NaT"))
    last = np.fmax(reg_last, hist["last_seen"].to_numpy(dtype="datetime64[ns]"))
    long_ago = as_of - np.timedelta64(int(365.25 * LONG_UNINSPECTED_YEARS * 86400), "s")
    t["not_recently_inspected"] = np.where(np.isnat(last), 1.0, np.where(last < long_ago, 0.5, 0.0))
    table = pd.DataFrame({name: t[name] for name in FACTORS})
    table["_complaints"] = complaints.astype(int)
    table["_grade"] = grade_code
    table["_employees"] = np.nan_to_num(emp, nan=0).astype(np.int64)
    table["_label"] = label
    table["_bad_kind"] = hist["bad_kind"].array  # str columns kept as they are (no copy)
    table["_bad_year"] = hist["bad_year"].to_numpy()
    table["_bad_campaign"] = hist["bad_campaign"].array
    table["_last_year"] = pd.DatetimeIndex(last).year.fillna(0).to_numpy(dtype=int)
    return table


def expert_points(table: pd.DataFrame, weights: Mapping[str, float]) -> np.ndarray:
    """Points matrix (rows × :data:`FACTORS`): weight × strength."""
    w = np.array([weights.get(name, 0.0) for name in FACTORS], dtype=float)
    return table[list(FACTORS)].to_numpy(dtype=float) * w


def score_from_table(table: pd.DataFrame, weights: Mapping[str, float]) -> np.ndarray:
    """Expert score on the 0–1 scale: points ÷ sum of weights, rounded to 6 decimals."""
    total = sum(weights.get(name, 0.0) for name in FACTORS)
    if total <= 0:
        return np.zeros(len(table))
    return np.round(expert_points(table, weights).sum(axis=1) / total, SCORE_DECIMALS)


def _campaign_name(cid: str, language: str) -> str:
    try:
        c = get_campaign(cid)
    except ParamsError:
        return cid
    return c.name_zh if language == "zh" else c.name_en.lower()


def explain(
    table: pd.DataFrame,
    weights: Mapping[str, float],
    campaign: Campaign | str,
    language: str = "en",
) -> np.ndarray:
    """Plain-language reasons per row, largest points first, ``"; "``-joined.

    Each reason names the fact and its points, e.g. ``"3 complaints in 12 months: +0.88"``.
    Vectorised by factor, so it stays usable on a whole register.
    """
    campaign = get_campaign(campaign)
    text = catalogue.words("risk", language)["factors"]
    pts = expert_points(table, weights)
    n = len(table)
    out = np.empty(n, dtype=object)
    if n == 0:
        return out
    per_factor: list[np.ndarray] = []
    for j, name in enumerate(FACTORS):
        col = np.full(n, None, dtype=object)
        rows = np.flatnonzero(pts[:, j] > 0)
        if len(rows):
            # Text and points depend only on (detail, points): format each distinct pair once.
            cents = np.round(pts[rows, j] * 100).astype(np.int64)
            key = _detail_key(name, table, rows) * (1 << 24) + cents
            _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
            reps = rows[first]
            labels = [
                f"{t}: +{p:.2f}"
                for t, p in zip(
                    _factor_texts(name, table, reps, campaign, text, language),
                    pts[reps, j],
                    strict=True,
                )
            ]
            col[rows] = np.array(labels, dtype=object)[inverse.ravel()]
        per_factor.append(col)
    order = np.argsort(-pts, axis=1, kind="stable")
    ranked = np.take_along_axis(np.stack(per_factor, axis=1), order, axis=1)
    # Reasons with points come first in each ranked row, so joining column by column while
    # the next column is present gives "a; b; c" without gaps.
    joined = pa.array(np.ascontiguousarray(ranked[:, 0]), type=pa.string()).fill_null("")
    for r in range(1, len(FACTORS)):
        col = pa.array(np.ascontiguousarray(ranked[:, r]), type=pa.string())
        joined = pc.if_else(
            pc.is_valid(col), pc.binary_join_element_wise(joined, col, "; "), joined
        )
    out[:] = joined.to_numpy(zero_copy_only=False)
    out[out == ""] = text["none"]
    return out


def _detail_key(name: str, table: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """An integer per row that, with the points, fixes the factor's reason text."""
    col = {
        "complaints": "_complaints",
        "credit_grade": "_grade",
        "large_workforce": "_employees",
        "priority_industry": "_label",
        "not_recently_inspected": "_last_year",
    }.get(name)
    if col is not None:
        return table[col].to_numpy()[rows].astype(np.int64)
    if name == "past_violation":
        kind = pd.factorize(table["_bad_kind"].to_numpy()[rows])[0]
        cid = pd.factorize(table["_bad_campaign"].to_numpy()[rows])[0]
        year = table["_bad_year"].to_numpy()[rows].astype(np.int64)
        return (kind * 10_000 + year) * 100 + cid
    return np.zeros(len(rows), dtype=np.int64)


def _factor_texts(
    name: str,
    table: pd.DataFrame,
    rows: np.ndarray,
    campaign: Campaign,
    text: dict[str, str],
    language: str,
) -> list[str]:
    if name == "complaints":
        return [
            text["complaint" if c == 1 else "complaints"].format(n=c)
            for c in table["_complaints"].to_numpy()[rows]
        ]
    if name == "credit_grade":
        return [text[name].format(g=" BC"[g]) for g in table["_grade"].to_numpy()[rows]]
    if name == "large_workforce":
        return [text[name].format(e=e) for e in table["_employees"].to_numpy()[rows]]
    if name == "priority_industry":
        labels = [
            r.label_zh if language == "zh" else r.label_en for r in campaign.priority_industries
        ]
        return [text[name].format(label=labels[i]) for i in table["_label"].to_numpy()[rows]]
    if name == "past_violation":
        kinds = table["_bad_kind"].to_numpy()[rows]
        years = table["_bad_year"].to_numpy()[rows]
        cids = table["_bad_campaign"].to_numpy()[rows]
        return [
            text[k].format(year=y, campaign=_campaign_name(c, language))
            for k, y, c in zip(kinds, years, cids, strict=True)
        ]
    if name == "not_recently_inspected":
        return [
            text["never"] if y == 0 else text["since"].format(year=y)
            for y in table["_last_year"].to_numpy()[rows]
        ]
    return [text[name]] * len(rows)


def expert_scores(
    register: pd.DataFrame,
    campaign: Campaign | str,
    weights: Mapping[str, float] | None = None,
    *,
    today: dt.date | pd.Timestamp,
    findings: pd.DataFrame | None = None,
    language: str = "en",
) -> tuple[pd.Series, pd.Series]:
    """Expert risk score (0–1) and reasons for every firm; works with no history at all.

    Parameters
    ----------
    register : DataFrame
        Canonical register.
    campaign : Campaign or str
    weights : mapping, optional
        Overrides of the campaign's default factor weights (``params.weights``).
    today : date
        Reference date (the campaign window start); history after it is ignored.
    findings : DataFrame, optional
        Findings history (past violations, last inspection).
    language : {"en", "zh"}

    Returns
    -------
    score : Series
        Float between 0 and 1, indexed like ``register``.
    reasons : Series
        ``"; "``-joined reasons with their points.

    Examples
    --------
    >>> reg = pd.DataFrame({"firm_id": ["1"], "name": ["A"], "complaints_12m": [3],
    ...                     "credit_grade": ["C"], "last_inspected": [pd.Timestamp("2024-05-01")]})
    >>> score, why = expert_scores(reg, "wage", today=dt.date(2025, 1, 2))
    >>> why.iloc[0]
    '3 complaints in 12 months: +0.88; credit grade C: +0.60'
    """
    campaign = get_campaign(campaign)
    w = resolve_weights(campaign, weights)
    reg = complete_register(register)
    table = factor_table(reg, campaign, today=today, findings=findings)
    score = pd.Series(score_from_table(table, w), index=register.index, name="risk_score")
    reasons = pd.Series(
        explain(table, w, campaign, language), index=register.index, name="reasons", dtype="str"
    )
    return score, reasons
