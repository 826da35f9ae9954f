"""`inspectlib demo` end to end on a small region."""

from pathlib import Path

from inspectlib.cli import main
from inspectlib.htmlcheck import external_references


def test_demo_command_runs_everything_end_to_end(tmp_path, capsys):
    out = tmp_path / "demo"
    code = main(["demo", "--output-dir", str(out), "--firms", "2000", "--workers", "2"])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    reports = [
        Path(line.strip())
        for line in printed.out.splitlines()
        if line.strip().endswith("report.html")
    ]
    assert len(reports) == 9  # four plans, four results reports, the annual summary
    assert all(p.exists() for p in reports)
    for campaign in ("wage", "illegal_employment", "heat", "service_sector"):
        assert (out / campaign / "latest" / "map_public.html").exists()
        assert (out / campaign / "results" / "latest" / "results_public.csv").exists()
    assert (out / "annual" / "latest" / "annual_summary.csv").exists()
    assert "archived past findings" in printed.out
    for report in reports:
        assert external_references(report.read_text(encoding="utf-8")) == []
