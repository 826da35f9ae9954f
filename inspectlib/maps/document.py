"""The HTML document around a map: labels, tile options, rendering and atomic writing."""

from __future__ import annotations

import logging
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import jinja2
from markupsafe import Markup

from inspectlib.maps.assets import map_assets
from inspectlib.maps.encode import script_json

logger = logging.getLogger(__name__)

Tiles = Literal["none", "osm", "gaode"]
Language = Literal["zh", "en"]
TILES: tuple[str, ...] = ("none", "osm", "gaode")
LANGUAGES: tuple[str, ...] = ("zh", "en")
SYNTHETIC_BANNER = "合成示例数据 / synthetic demo data"

_TILE_LAYERS: dict[str, dict[str, Any]] = {
    "osm": {
        "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attribution": "© OpenStreetMap contributors",
        "subdomains": "abc",
        "maxZoom": 19,
        "csp": "https://tile.openstreetmap.org",
    },
    "gaode": {
        "url": (
            "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
            "&style=8&x={x}&y={y}&z={z}"
        ),
        "attribution": "© 高德地图 AutoNavi",
        "subdomains": "1234",
        "maxZoom": 18,
        "csp": "https://*.is.autonavi.com",
    },
}

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "coverage": "抽查覆盖率（抽中÷符合条件）",
        "coverage_tip": "{town}：抽中 {selected} / 符合条件 {eligible}（{share}）",
        "coverage_none": "无符合条件企业",
        "town_names": "镇区名称",
        "selected": "抽中企业",
        "eligible": "全部符合条件企业",
        "warning": "劳动关系预警点",
        "office": "出发地点",
        "routes": "检查组路线",
        "team_layer": "{team}（{days} 天，{firms} 家）",
        "route_tip": "{team} · {date} · {firms} 家",
        "firm_id": "统一社会信用代码",
        "town": "镇区",
        "industry": "行业",
        "stratum": "抽取方式",
        "risk_score": "风险分",
        "complaints_12m": "近12个月投诉",
        "date": "检查日期",
        "team": "检查组",
        "visit_order": "当日顺序",
        "reasons": "抽取理由",
        "stratum_random": "随机抽取",
        "stratum_risk": "风险加权抽取",
        "strata": "抽取方式",
        "result": "检查结果",
        "violations": "违法问题数",
        "violations_by_town": "各镇区违法问题数",
        "violations_tip": "{town}：检查 {inspected} 家，有违法 {violating} 家，违法问题 {violations} 个",
        "results": "检查企业（按结果）",
        "result_compliant": "合规",
        "result_violation": "违法违规",
        "result_closed": "已停业/注销",
        "result_not_found": "查无此企业",
        "result_refused": "拒绝检查",
        "unscheduled": "未排期",
    },
    "en": {
        "coverage": "Coverage (selected ÷ eligible)",
        "coverage_tip": "{town}: {selected} selected / {eligible} eligible ({share})",
        "coverage_none": "no eligible firms",
        "town_names": "Town names",
        "selected": "Selected firms",
        "eligible": "All eligible firms",
        "warning": "Early-warning points",
        "office": "Office",
        "routes": "Team routes",
        "team_layer": "{team} ({days} days, {firms} firms)",
        "route_tip": "{team} · {date} · {firms} firms",
        "firm_id": "Credit code",
        "town": "Town",
        "industry": "Industry",
        "stratum": "Stratum",
        "risk_score": "Risk score",
        "complaints_12m": "Complaints (12 months)",
        "date": "Date",
        "team": "Team",
        "visit_order": "Visit order",
        "reasons": "Reasons",
        "stratum_random": "random",
        "stratum_risk": "risk-weighted",
        "strata": "Stratum",
        "result": "Result",
        "violations": "Violations",
        "violations_by_town": "Violations by town",
        "violations_tip": (
            "{town}: {inspected} inspected, {violating} with violations, {violations} violations"
        ),
        "results": "Inspected firms (by result)",
        "result_compliant": "compliant",
        "result_violation": "violation",
        "result_closed": "closed",
        "result_not_found": "not found",
        "result_refused": "refused",
        "unscheduled": "not scheduled",
    },
}


def check_options(tiles: str, language: str) -> None:
    """Refuse an unknown tile source or language, showing the bad value."""
    if tiles not in TILES:
        raise ValueError(f"tiles must be one of {TILES}, got {tiles!r}")
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")


def tile_options(tiles: str) -> dict[str, Any] | None:
    """Leaflet tile-layer options for ``tiles`` (``None`` for ``"none"``)."""
    if tiles == "none":
        return None
    return {k: v for k, v in _TILE_LAYERS[tiles].items() if k != "csp"}


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("inspectlib", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template("map.html.j2")


def render_document(payload: dict[str, Any], *, tiles: str, synthetic: bool, language: str) -> str:
    """Render a complete, self-contained HTML map document.

    Parameters
    ----------
    payload : dict
        Everything the page's script draws (built by :mod:`inspectlib.maps.campaign` or
        :mod:`inspectlib.maps.results`); serialised once with
        :func:`~inspectlib.maps.encode.script_json`.
    tiles : {"none", "osm", "gaode"}
        Tile source; its host is the only network address the page may load from.
    synthetic : bool
        Show the synthetic-data banner.
    language : {"zh", "en"}
        ``lang`` of the document.

    Returns
    -------
    str
        The HTML document.
    """
    assets = map_assets()
    img_src = "data:"
    if tiles != "none":
        img_src += " " + _TILE_LAYERS[tiles]["csp"]
    csp = (
        "default-src 'none'; "
        f"script-src {' '.join(assets.script_hashes)}; "
        "style-src 'unsafe-inline'; "
        f"img-src {img_src}; "
        "base-uri 'none'; form-action 'none'"
    )
    return _template().render(
        lang="zh-CN" if language == "zh" else "en",
        csp=csp,
        css=Markup(assets.css),
        leaflet_js=Markup(assets.leaflet_js),
        map_js=Markup(assets.map_js),
        payload=Markup(script_json(payload)),
        synthetic=synthetic,
        banner=SYNTHETIC_BANNER,
    )


def write_html(html: str, path: str | os.PathLike[str]) -> Path:
    """Write an HTML document atomically.

    The text goes to a temporary file in the target's folder, which then replaces the target
    in one step (:func:`os.replace`), so a reader never sees a half-written map and an
    earlier file stays intact if writing fails.

    Parameters
    ----------
    html : str
        The document, e.g. from :func:`campaign_map`.
    path : str or path-like
        Target file; missing parent folders are created.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = write_html("<!DOCTYPE html><title>x</title>", pathlib.Path(tempfile.mkdtemp()) / "m.html")
    >>> p.read_text(encoding="utf-8")
    '<!DOCTYPE html><title>x</title>'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(html)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    logger.info("wrote map %s (%d bytes)", target, target.stat().st_size)
    return target
