"""Synthetic names and identifiers: people, firms, addresses, credit codes (all invented)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from stdnum.cn import uscc

from inspectlib.demo import vocab


def _pick(rng: np.random.Generator, pool: str | tuple[str, ...], n: int) -> np.ndarray:
    return np.asarray(list(pool), dtype=object)[rng.integers(0, len(pool), n)]


def person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Synthetic Chinese personal names (surname + one or two given characters)."""
    surname = _pick(rng, vocab.SURNAMES, n)
    first = _pick(rng, vocab.GIVEN_CHARS, n)
    second = np.where(rng.random(n) < 0.7, _pick(rng, vocab.GIVEN_CHARS, n), "")
    return surname + first + second


def _uscc_heads(rng: np.random.Generator, ownership: np.ndarray) -> np.ndarray:
    """The first 17 characters of unified social credit codes (GB 32100-2015)."""
    n = len(ownership)
    alphabet = np.array(list(uscc._alphabet))
    kind = np.where(ownership == "个体工商户", "92", "91").astype(object)
    region = np.where(rng.random(n) < 0.12, "320200", vocab.COUNTY_CODE).astype(object)
    # organisation code: 8 characters + a GB 11714 check character; new codes start "MA"
    new_style = rng.random(n) < 0.6
    body = alphabet[rng.integers(0, 10, (n, 8))]
    tail = alphabet[rng.integers(0, len(alphabet), (n, 6))]
    body[new_style, 0] = "M"
    body[new_style, 1] = "A"
    body[new_style, 2:] = tail[new_style]
    values = np.vectorize(lambda c: int(c, 36))(body)
    check = 11 - (values * np.array([3, 7, 9, 10, 5, 8, 4, 2])).sum(axis=1) % 11
    org_check = np.where(check == 10, "X", np.where(check == 11, "0", check.astype(str)))
    return kind + region + np.array(["".join(r) for r in body], dtype=object) + org_check


def credit_codes(rng: np.random.Generator, ownership: np.ndarray) -> np.ndarray:
    """Unique unified social credit codes (统一社会信用代码, GB 32100-2015).

    ``91`` (company) or ``92`` (个体工商户), region ``320299`` (the fictional county) or
    ``320200`` (registered at the prefecture), a nine-character organisation code with its
    own GB 11714 check character (60% new-style ``MA…`` codes, 40% old numeric ones) and the
    check character computed by :func:`stdnum.cn.uscc.calc_check_digit`.
    """
    head = _uscc_heads(rng, ownership)
    dup = pd.Series(head).duplicated().to_numpy()
    while dup.any():  # vanishingly rare: redraw the duplicates
        head[dup] = _uscc_heads(rng, ownership[dup])
        dup = pd.Series(head).duplicated().to_numpy()
    return np.array([h + uscc.calc_check_digit(h) for h in head], dtype=object)


def firm_names(
    rng: np.random.Generator,
    towns: pd.DataFrame,
    town_idx: np.ndarray,
    words: np.ndarray,
    ownership: np.ndarray,
) -> np.ndarray:
    """Registered firm names: [town prefix] + brand + trade word + legal-form suffix, unique.

    Examples of the shape: 青禾宏达纺织有限公司, 鑫盛快餐店 (个体工商户), 石湾金昌机械厂 (集体),
    顺华光电（江苏）有限公司 (foreign-invested).
    """
    n = len(town_idx)
    prefix = towns["town"].str[:2].to_numpy(dtype=object)[town_idx]
    prefix = np.where(rng.random(n) < 0.55, prefix, "")
    brand = _pick(rng, vocab.BRAND_CHARS, n) + _pick(rng, vocab.BRAND_CHARS, n)
    suffix = np.select(
        [
            ownership == "股份有限公司",
            ownership == "个体工商户",
            ownership == "集体",
            np.isin(ownership, ["外商投资", "港澳台投资"]),
        ],
        ["股份有限公司", np.where(rng.random(n) < 0.5, "店", "行"), "厂", "（江苏）有限公司"],
        "有限公司",
    )
    names = prefix + brand + words + suffix
    rounds = 0
    while (dup := pd.Series(names).duplicated().to_numpy()).any():  # names are unique
        k = int(dup.sum())
        length = 3 + rounds // 5  # longer brands if three characters keep colliding
        brand = _pick(rng, vocab.BRAND_CHARS, k)
        for _ in range(length - 1):
            brand = brand + _pick(rng, vocab.BRAND_CHARS, k)
        names[dup] = prefix[dup] + brand + words[dup] + suffix[dup]
        rounds += 1
    return names


def addresses(rng: np.random.Generator, town_names: np.ndarray) -> np.ndarray:
    """Addresses in each firm's town: 80% ``<town><road><n>号``, 20% ``<town><village>村<n>号``."""
    n = len(town_names)
    road = _pick(rng, vocab.ROADS, n)
    number = rng.integers(1, 400, n).astype(str)
    first = rng.integers(0, len(vocab.PLACE_CHARS), n)
    second = (first + rng.integers(1, len(vocab.PLACE_CHARS), n)) % len(vocab.PLACE_CHARS)
    chars = np.asarray(list(vocab.PLACE_CHARS), dtype=object)
    village = chars[first] + chars[second] + "村"
    street = np.where(rng.random(n) < 0.8, road + number + "号", village + number + "号")
    return town_names + street
