"""The notebooks, run through papermill on the small demo world."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from inspectlib import rundirs
from inspectlib.adoption import adopt_run
from inspectlib.archive import open_archive
from inspectlib.cli import main
from inspectlib.demo_run import carry_out_plan
from inspectlib.errors import ParamsError
from inspectlib.geo import read_boundaries
from inspectlib.htmlcheck import external_references
from inspectlib.inputs import load_findings
from inspectlib.params import load_params
from inspectlib.register import load_register
from inspectlib.run import PLAN_NOTEBOOK, run_kind, run_plan

NOTEBOOKS = Path(__file__).resolve().parent.parent / "inspectlib" / "notebooks"


@pytest.mark.parametrize("name", ["plan_campaign", "campaign_report", "annual_summary", "planner"])
def test_notebooks_are_thin_and_stored_without_outputs(name):
    nb = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"]["tags"]
    for cell in code:
        assert not cell.get("outputs") and cell.get("execution_count") is None
        source = "".join(cell["source"])
        assert "def " not in source and "class " not in source


def test_plan_notebook_publishes_every_output(published_wage_plan):
    out = Path(published_wage_plan.output_dir)
    assert published_wage_plan.status == "ok"
    expected = {
        "plan.csv",
        "plan.xlsx",
        "map.html",
        "map_public.html",
        "report.html",
        "report.ipynb",
        "audit.json",
    }
    assert expected <= {p.name for p in out.iterdir()}
    assert rundirs.latest(out.parent) == out.resolve()
    for html in out.glob("*.html"):
        assert external_references(html.read_text(encoding="utf-8")) == [], html.name
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "nb.make_plan" not in report  # no code cells
    assert "inspectlib verify-draw" in report and "<svg" in report
    assert "合成示例数据" in report
    assert "Thin notebook" not in report  # notebook-only notes stay in the notebook
    assert (
        "使用的风险模型" in report and "Risk model used" not in report
    )  # in the report's language
    assert "Thin notebook" in (out / "report.ipynb").read_text(encoding="utf-8")


def test_bad_params_are_caught_before_papermill(small_world):
    before = set(small_world.params["heat"].parent.parent.glob("heat/*"))
    with pytest.raises(ParamsError, match="selection"):
        run_plan(small_world.params["heat"], {"selection": "best"})
    assert set(small_world.params["heat"].parent.parent.glob("heat/*")) == before


def _papermill(world, out: Path, params: str, *extra: str) -> subprocess.CompletedProcess:
    """Plain ``papermill`` on the plan notebook, as a user would type it in the world's folder."""
    command = [sys.executable, "-m", "papermill", str(PLAN_NOTEBOOK), str(out), "-f", params]
    return subprocess.run(
        [*command, "-p", "params_dir", "params", *extra, "-k", "inspectlib", "--no-progress-bar"],
        cwd=world.root,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_plain_papermill_run_works(small_world, tmp_path):
    result = _papermill(small_world, tmp_path / "out.ipynb", "params/service_sector.yaml")
    assert result.returncode == 0, result.stderr[-2000:]
    runs = list((small_world.root / "service_sector").glob("run-*"))
    assert len(runs) == 1 and (runs[0] / "map.html").exists()


def test_unknown_injected_parameter_fails_the_notebook(small_world, tmp_path):
    result = _papermill(
        small_world, tmp_path / "out.ipynb", "params/illegal_employment.yaml", "-p", "colour", "red"
    )
    assert result.returncode != 0
    assert "unknown key(s) 'colour'" in result.stderr + result.stdout


def test_results_report_and_annual_summary(small_world, published_wage_plan):
    params = load_params(small_world.params["wage"])
    register = load_register(
        small_world.region.register, read_boundaries(small_world.region.boundaries), coords="gcj02"
    )
    sheet = carry_out_plan(
        Path(published_wage_plan.output_dir), small_world.region, register, "wage", seed=5
    )
    found = load_findings([sheet])
    with open_archive(params.store) as archive:
        archive.record_findings(load_findings([sheet]), source=str(sheet))
    adopt_run(published_wage_plan.output_dir)

    report = run_kind("report", small_world.params["wage"])
    out = Path(report.output_dir)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert external_references(html) == []
    assert "据纯随机层估计" in html and "检查结果公示" in html
    assert f"正式抽取：运行 {Path(published_wage_plan.output_dir).name}" in html
    public = pd.read_csv(out / "results_public.csv", encoding="utf-8-sig")
    assert list(public.columns) == [
        "企业名称",
        "所属镇（区）",
        "行业",
        "检查日期",
        "检查结果",
        "整改期限",
    ]
    assert len(public) == len(found)
    assert (out / "results_map.html").exists() and (out / "results_map_public.html").exists()

    annual = run_kind("annual", small_world.params["annual"])
    summary = pd.read_csv(Path(annual.output_dir) / "annual_summary.csv", encoding="utf-8-sig")
    firms = summary["检查企业（家）"]  # headers in the summary's language
    assert firms.iloc[0] == found["firm_id"].nunique()
    assert firms.iloc[-1] == firms.iloc[:-1].sum()
    annual_html = (Path(annual.output_dir) / "report.html").read_text(encoding="utf-8")
    assert "年共开展" in annual_html and "In 2027 the office ran" not in annual_html


@pytest.mark.parametrize("name", ["plan_campaign", "campaign_report"])
def test_parameters_cell_lists_every_campaign_param(name):
    """Papermill warns about injected names the parameters cell lacks; keep them in step."""
    import ast

    from inspectlib.params import CampaignParams

    nb = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    (cell,) = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    source = "".join(cell["source"])
    assigned = {
        t.id
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign)
        for t in node.targets
    }
    assert assigned == set(CampaignParams.model_fields) | {"params_dir"}


def test_report_without_an_archived_plan_stops_before_the_kernel(small_world, capsys):
    results = small_world.root / "heat" / "results"
    before = set(results.glob("*")) if results.exists() else set()
    code = main(["report", str(small_world.params["heat"]), "--set", "year=2031", "--lang", "en"])

    err = capsys.readouterr().err
    assert code == 1
    assert "Summer heat protection inspection 2031: the archive" in err
    assert "holds no official draw and no findings" in err
    assert "Traceback" not in err
    assert (set(results.glob("*")) if results.exists() else set()) == before
