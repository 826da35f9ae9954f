"""How data travels from Python into a map document.

Every value from the data (names, towns, titles, reasons, numbers) reaches the page through
:func:`script_json`, the only escaping step (the ``script_json`` filter of the elements'
templates); the page's script puts text on screen with ``textContent``. Coordinates are sent
as integers on a 1e-5 degree grid (about one metre) relative to an origin, a large layer's
points packed as base64 of little-endian 16- or 32-bit integers (:meth:`Grid.pack`), and
repeated strings as a dictionary plus indices, which keeps a 20,000-firm layer near 100 kB.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

COORD_SCALE = 100_000  # grid of 1e-5 degree, about 1.1 m

_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def script_json(value: Any) -> str:
    """Serialise ``value`` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e`` and ``\\u0026`` (so no ``</script>``
    or ``<!--`` can close or confuse the element) and U+2028/U+2029 are escaped for old JS
    engines. The result is still valid JSON that parses back to ``value``.

    Examples
    --------
    >>> script_json({"name": "</script><b>"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    >>> json.loads(script_json(["C:\\\\temp\\\\x", "`${x}`"]))
    ['C:\\\\temp\\\\x', '`${x}`']
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.translate(_SCRIPT_ESCAPES)


@dataclass(frozen=True)
class Grid:
    """Integer coordinate grid of a document: ``lon = x0 + x / scale``.

    Examples
    --------
    >>> g = Grid(120.0, 31.0)
    >>> g.ints([120.123456], [31.5])
    ([12346], [50000])
    """

    x0: float
    y0: float
    scale: int = COORD_SCALE

    @classmethod
    def covering(cls, lons: Iterable[np.ndarray], lats: Iterable[np.ndarray]) -> Grid:
        """The grid whose origin lies at or below every finite coordinate given."""
        xs = [np.nanmin(a) for a in lons if np.size(a) and np.isfinite(a).any()]
        ys = [np.nanmin(a) for a in lats if np.size(a) and np.isfinite(a).any()]
        x0 = math.floor(min(xs) * 100) / 100 if xs else 0.0
        y0 = math.floor(min(ys) * 100) / 100 if ys else 0.0
        return cls(x0, y0)

    def ints(
        self, lon: Sequence[float] | np.ndarray, lat: Sequence[float] | np.ndarray
    ) -> tuple[list[int], list[int]]:
        """Quantise finite coordinates to the grid (two lists of ints)."""
        x = np.rint((np.asarray(lon, dtype=float) - self.x0) * self.scale).astype(np.int64)
        y = np.rint((np.asarray(lat, dtype=float) - self.y0) * self.scale).astype(np.int64)
        return x.tolist(), y.tolist()

    def pack(
        self,
        lon: Sequence[float] | np.ndarray,
        lat: Sequence[float] | np.ndarray,
        *,
        any_order: bool = False,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Quantise coordinates to the grid and pack each axis as base64 of unsigned ints.

        Each axis is ``{"w": bytes_per_value, "n": count, "b": base64}``, 2 bytes when every
        value fits (a span up to 0.65 degree), else 4; the page reads it into a typed array.
        With ``any_order=True`` (points nobody refers to by position) the points are sorted
        west to east and ``x`` is sent as differences in LEB128 bytes (``"w": 0``), mostly
        one byte a point.

        Examples
        --------
        >>> x, y = Grid(120.0, 31.0).pack([120.00001, 120.00002], [31.5, 32.0])
        >>> x
        {'w': 2, 'n': 2, 'b': 'AQACAA=='}
        >>> y["w"], unpack(y)
        (4, [50000, 100000])
        """
        x, y = self.ints(lon, lat)
        if not any_order:
            return _pack(x), _pack(y)
        order = np.lexsort((np.asarray(y), np.asarray(x)))
        xs, ys = np.asarray(x, dtype=np.int64)[order], np.asarray(y, dtype=np.int64)[order]
        return _pack_deltas(xs), _pack(ys.tolist())

    def flat(self, coords: np.ndarray, *, ring: bool = False) -> list[int]:
        """Quantise an ``(n, 2)`` array to ``[x1, y1, x2, y2, ...]``.

        Consecutive points that fall on the same grid cell are dropped, and with ``ring=True``
        the closing point of a polygon ring too (Leaflet closes rings itself).
        """
        arr = np.asarray(coords, dtype=float)[:, :2]
        q = np.empty(arr.shape, dtype=np.int64)
        q[:, 0] = np.rint((arr[:, 0] - self.x0) * self.scale)
        q[:, 1] = np.rint((arr[:, 1] - self.y0) * self.scale)
        if len(q) > 1:
            keep = np.ones(len(q), dtype=bool)
            keep[1:] = (np.diff(q, axis=0) != 0).any(axis=1)
            q = q[keep]
        if ring and len(q) > 1 and (q[0] == q[-1]).all():
            q = q[:-1]
        return q.ravel().tolist()

    def to_json(self) -> dict[str, float | int]:
        """The grid as the page's script reads it."""
        return {"x0": self.x0, "y0": self.y0, "scale": self.scale}


def _pack(values: list[int]) -> dict[str, Any]:
    arr = np.asarray(values, dtype=np.int64)
    if arr.size and arr.min() < 0:
        raise ValueError("grid coordinates below the origin cannot be packed")
    width = 2 if not arr.size or arr.max() < 2**16 else 4
    raw = arr.astype("<u2" if width == 2 else "<u4").tobytes()
    return {"w": width, "n": int(arr.size), "b": base64.b64encode(raw).decode("ascii")}


def _pack_deltas(sorted_values: np.ndarray) -> dict[str, Any]:
    if sorted_values.size and sorted_values.min() < 0:
        raise ValueError("grid coordinates below the origin cannot be packed")
    out = bytearray()
    previous = 0
    for value in sorted_values.tolist():
        delta = value - previous
        previous = value
        while delta >= 0x80:
            out.append((delta & 0x7F) | 0x80)
            delta >>= 7
        out.append(delta)
    return {"w": 0, "n": int(sorted_values.size), "b": base64.b64encode(bytes(out)).decode()}


def unpack(packed: dict[str, Any]) -> list[int]:
    """The integers of a :meth:`Grid.pack` axis (what the page's script reads).

    Examples
    --------
    >>> x, y = Grid(0.0, 0.0).pack([0.003, 0.001, 0.002], [1e-5, 2e-5, 3e-5], any_order=True)
    >>> x["w"], unpack(x), unpack(y)
    (0, [100, 200, 300], [2, 3, 1])
    """
    raw = base64.b64decode(packed["b"])
    if packed["w"] != 0:
        return np.frombuffer(raw, dtype="<u2" if packed["w"] == 2 else "<u4").tolist()
    values, total, acc, shift = [], 0, 0, 0
    for byte in raw:
        acc |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
        else:
            total += acc
            values.append(total)
            acc = shift = 0
    return values


def text_values(values: Iterable[Any]) -> list[str | None]:
    """Values as display strings; missing values and empty strings become ``None``."""
    out: list[str | None] = []
    for value in values:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            out.append(None)
        else:
            text = str(value)
            out.append(text if text != "" else None)
    return out


def text_column(values: Iterable[Any]) -> list[str | None] | dict[str, list]:
    """Encode display strings, as a dictionary + indices when values repeat.

    Returns a plain list, or ``{"d": distinct_values, "i": indices}`` when at most half the
    values are distinct.

    Examples
    --------
    >>> text_column(["a", "a", None, "a"])
    {'d': ['a', None], 'i': [0, 0, 1, 0]}
    >>> text_column(["x", "y"])
    ['x', 'y']
    """
    texts = text_values(values)
    distinct = list(dict.fromkeys(texts))
    if len(distinct) * 2 > len(texts):
        return texts
    index = {value: i for i, value in enumerate(distinct)}
    return {"d": distinct, "i": [index[value] for value in texts]}


def date_strings(values: pd.Series) -> list[str | None]:
    """ISO dates (``YYYY-MM-DD``) of a date-like series; missing dates become ``None``."""
    dates = pd.to_datetime(values, errors="coerce")
    return [None if pd.isna(d) else d.strftime("%Y-%m-%d") for d in dates]


def int_strings(values: pd.Series) -> list[str | None]:
    """Whole numbers as strings; missing values become ``None``."""
    numbers = pd.to_numeric(values, errors="coerce")
    return [None if pd.isna(v) else str(int(v)) for v in numbers]


@dataclass(frozen=True)
class Classes:
    """Classes of a choropleth: zero on its own, then ``n`` equal steps up to the maximum.

    Attributes
    ----------
    edges : tuple of float
        ``0 = e0 < e1 < ... < en``; class ``k`` holds values in ``(e_k, e_{k+1}]``.
    palette : tuple of str
        One colour per class, light to dark.
    """

    edges: tuple[float, ...]
    palette: tuple[str, ...]
    zero_colour: str
    missing_colour: str
    integer: bool = False

    @classmethod
    def nice(
        cls,
        max_value: float,
        palette: Sequence[str],
        *,
        integer: bool = False,
        zero_colour: str = "#f7f7f7",
        missing_colour: str = "#d9d9d9",
    ) -> Classes:
        """Equal classes with a round step (1, 2, 2.5 or 5 times a power of ten).

        Examples
        --------
        >>> Classes.nice(0.07, ["a", "b", "c", "d", "e"]).edges
        (0.0, 0.02, 0.04, 0.06, 0.08, 0.1)
        >>> Classes.nice(3, ["a", "b", "c", "d", "e"], integer=True).edges
        (0.0, 1.0, 2.0, 3.0, 4.0, 5.0)
        """
        n = len(palette)
        target = max(float(max_value), 0.0) / n
        step = 1.0 if integer else 1e-6
        if target > 0:
            power = 10.0 ** math.floor(math.log10(target))
            for mult in (1.0, 2.0, 2.5, 5.0, 10.0):
                if mult * power >= target * (1 - 1e-12):
                    step = mult * power
                    break
            if integer:
                step = max(1.0, float(math.ceil(step)))
        edges = tuple(round(k * step, 12) for k in range(n + 1))
        return cls(edges, tuple(palette), zero_colour, missing_colour, integer)

    def colour(self, value: float) -> str:
        """Fill colour of one value (NaN gets the missing colour)."""
        if value is None or not math.isfinite(value):
            return self.missing_colour
        if value <= 0:
            return self.zero_colour
        for k in range(len(self.palette)):
            if value <= self.edges[k + 1] * (1 + 1e-12):
                return self.palette[k]
        return self.palette[-1]

    def legend(
        self, fmt: Callable[[float], str], *, missing_label: str | None = None
    ) -> list[dict[str, str]]:
        """Legend items (``{"shape": "fill", "colour", "label"}``) from light to dark."""
        items = [{"shape": "fill", "colour": self.zero_colour, "label": fmt(0.0)}]
        for k, colour in enumerate(self.palette):
            low, high = self.edges[k], self.edges[k + 1]
            if self.integer:
                low += 1
            label = fmt(high) if low == high else f"{fmt(low)} – {fmt(high)}"
            items.append({"shape": "fill", "colour": colour, "label": label})
        if missing_label is not None:
            items.append({"shape": "fill", "colour": self.missing_colour, "label": missing_label})
        return items


def percent(value: float) -> str:
    """A share as a short percentage.

    Examples
    --------
    >>> percent(0.0125), percent(0.2), percent(0.0)
    ('1.25%', '20%', '0%')
    """
    text = f"{value * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def whole(value: float) -> str:
    """A count with thousands separators.

    Examples
    --------
    >>> whole(12345.0)
    '12,345'
    """
    return f"{int(round(value)):,}"
