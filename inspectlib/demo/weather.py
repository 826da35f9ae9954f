"""Synthetic summer daily maxima for southern Jiangsu (June–September)."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Day-of-summer anchors (month, day, mean daily maximum °C): plum rains (梅雨) keep late June
# mild, the hottest spell is late July to mid August.
_CLIMATE: tuple[tuple[int, int, float], ...] = (
    (6, 1, 28.0),
    (6, 15, 29.0),
    (6, 30, 29.5),
    (7, 10, 31.5),
    (7, 20, 32.3),
    (8, 1, 32.9),
    (8, 15, 32.5),
    (8, 31, 30.8),
    (9, 15, 28.5),
    (9, 30, 26.0),
)


def build_weather(rng: np.random.Generator, year: int) -> pd.DataFrame:
    """Daily maximum temperatures from 1 June to 30 September of ``year``.

    A seasonal mean (about 33 °C from late July to mid August) plus AR(1) anomalies
    (sd 2.3 °C, lag-one correlation 0.75) plus one heat wave of six to nine days, all at
    35 °C or more, starting between 20 July and 8 August. The hottest day of the heat wave is set to 40–41 °C and, half
    the time, one more day to just over 40 °C; every other day stays below 40 °C.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    year : int
        The summer to generate.

    Returns
    -------
    DataFrame
        Columns ``date`` (Timestamp) and ``tmax_c`` (°C, one decimal).
    """
    dates = pd.date_range(f"{year}-06-01", f"{year}-09-30", freq="D")
    anchors = pd.to_datetime([f"{year}-{m:02d}-{d:02d}" for m, d, _ in _CLIMATE])
    x = (dates - dates[0]).days.to_numpy(dtype=float)
    mean = np.interp(
        x, (anchors - dates[0]).days.to_numpy(dtype=float), [t for _, _, t in _CLIMATE]
    )
    phi, sd = 0.75, 2.3
    noise = rng.normal(0.0, sd * np.sqrt(1 - phi**2), len(x))
    anomaly = np.empty(len(x))
    anomaly[0] = rng.normal(0.0, sd)
    for i in range(1, len(x)):
        anomaly[i] = phi * anomaly[i - 1] + noise[i]
    tmax = mean + anomaly
    start = (pd.Timestamp(f"{year}-07-20") - dates[0]).days + int(rng.integers(0, 20))
    length = int(rng.integers(6, 10))
    shape = np.sin(np.linspace(0.3, np.pi - 0.3, length))
    wave = slice(start, start + length)
    floor = 35.2 + 3.0 * shape + rng.normal(0.0, 0.4, length)  # every heat-wave day ≥35 °C
    tmax[wave] = np.maximum(tmax[wave] + 3.5 * shape, floor)
    tmax = np.minimum(tmax, 39.6)
    peak = start + int(np.argmax(shape))
    tmax[peak] = rng.uniform(40.1, 41.2)
    if rng.random() < 0.5:
        tmax[peak + 1] = rng.uniform(40.0, 40.6)
    return pd.DataFrame({"date": dates, "tmax_c": np.round(tmax, 1)})
