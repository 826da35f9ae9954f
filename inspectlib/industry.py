"""GB/T 4754-2017 industry classification: sections (门类) and divisions (大类)."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Section letter → (first division, last division, Chinese name, English name)
SECTIONS: dict[str, tuple[int, int, str, str]] = {
    "A": (1, 5, "农、林、牧、渔业", "Agriculture, forestry, animal husbandry and fishery"),
    "B": (6, 12, "采矿业", "Mining"),
    "C": (13, 43, "制造业", "Manufacturing"),
    "D": (44, 46, "电力、热力、燃气及水生产和供应业", "Electricity, heat, gas and water"),
    "E": (47, 50, "建筑业", "Construction"),
    "F": (51, 52, "批发和零售业", "Wholesale and retail"),
    "G": (53, 60, "交通运输、仓储和邮政业", "Transport, storage and post"),
    "H": (61, 62, "住宿和餐饮业", "Accommodation and catering"),
    "I": (63, 65, "信息传输、软件和信息技术服务业", "Information technology services"),
    "J": (66, 69, "金融业", "Finance"),
    "K": (70, 70, "房地产业", "Real estate"),
    "L": (71, 72, "租赁和商务服务业", "Leasing and business services"),
    "M": (73, 75, "科学研究和技术服务业", "Research and technical services"),
    "N": (76, 79, "水利、环境和公共设施管理业", "Water, environment and public facilities"),
    "O": (80, 82, "居民服务、修理和其他服务业", "Resident, repair and other services"),
    "P": (83, 83, "教育", "Education"),
    "Q": (84, 85, "卫生和社会工作", "Health and social work"),
    "R": (86, 90, "文化、体育和娱乐业", "Culture, sports and entertainment"),
    "S": (91, 96, "公共管理、社会保障和社会组织", "Public administration and social organisations"),
    "T": (97, 97, "国际组织", "International organisations"),
}

_DIVISION_TO_SECTION = np.full(100, "", dtype=object)
for _letter, (_first, _last, _zh, _en) in SECTIONS.items():
    _DIVISION_TO_SECTION[_first : _last + 1] = _letter

_NAME_TO_SECTION = {zh: letter for letter, (_, _, zh, _) in SECTIONS.items()}
_NAME_TO_SECTION |= {en.lower(): letter for letter, (_, _, _, en) in SECTIONS.items()}


def division_of(codes: pd.Series) -> pd.Series:
    """Two-digit division (大类) of industry codes such as ``1711``, ``C1711`` or ``17``.

    Returns a nullable integer Series; codes that are not GB/T 4754 shaped give ``<NA>``.
    """
    text = codes.astype("string[pyarrow]").str.strip().str.upper()
    shaped = text.str.fullmatch(r"[A-T]?\d{2,4}").fillna(False).astype(bool)
    digits = text.str.replace(r"^[A-T]", "", regex=True).str.slice(0, 2).where(shaped)
    return pd.to_numeric(digits, errors="coerce").astype("Int64")


def code_digits(codes: pd.Series) -> pd.Series:
    """GB/T 4754 codes without their section letter: ``F5211`` and ``5211`` both give
    ``5211``, ``H62`` gives ``62``. Codes that are not GB/T 4754 shaped give ``""``.

    This is the register's canonical ``industry_digits`` column (made once, at import), which
    every industry rule compares with, so that a register writing codes with or without the
    section letter is treated alike.

    Examples
    --------
    >>> code_digits(pd.Series(["F52", "h6210", " 1713 ", "C", "", None])).tolist()
    ['52', '6210', '1713', '', '', '']
    """
    text = codes.astype("string[pyarrow]").str.strip().str.upper()
    shaped = text.str.fullmatch(r"[A-T]?\d{2,4}").fillna(False).astype(bool)
    digits = text.str.replace(r"^[A-T]", "", regex=True).where(shaped, "")
    return digits.fillna("")  # Arrow strings: rules compare a province's codes at C speed


def section_of(codes: pd.Series, names: pd.Series | None = None) -> pd.Series:
    """Section letter (门类, A–T) from industry codes, falling back on section names/letters.

    Parameters
    ----------
    codes : Series
        GB/T 4754 codes (``1711``, ``C1711``, ``17``) — blank allowed.
    names : Series, optional
        The register's ``industry`` text: a section letter or a section name such as 制造业.

    Examples
    --------
    >>> section_of(pd.Series(["1711", "E4720", ""]), pd.Series(["", "", "住宿和餐饮业"])).tolist()
    ['C', 'E', 'H']
    """
    division = division_of(codes)
    valid = division.notna() & division.between(1, 97)
    out = pd.Series("", index=codes.index, dtype=object)
    out[valid.to_numpy(dtype=bool)] = _DIVISION_TO_SECTION[division[valid].astype(int).to_numpy()]
    if names is not None:
        text = names.astype("string").str.strip().fillna("")
        letter = text.str.upper().where(text.str.fullmatch(r"[A-Ta-t]").fillna(False), "")
        codes_, names_ = pd.factorize(text)
        lookup = np.array(
            [_NAME_TO_SECTION.get(t, _NAME_TO_SECTION.get(t.lower(), "")) for t in names_] + [""],
            dtype=object,
        )
        by_name = pd.Series(lookup[codes_], index=text.index)
        fallback = letter.where(letter != "", by_name).astype(object)
        out = out.where(out != "", fallback)
    return out.fillna("").astype(object)


def section_name(letter: str, language: str = "zh") -> str:
    """Name of a section letter in Chinese (``zh``) or English (``en``); ``""`` if unknown."""
    entry = SECTIONS.get(letter)
    if entry is None:
        return ""
    return entry[2] if language == "zh" else entry[3]
