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


def test_a_second_demo_run_starts_a_fresh_archive_and_keeps_the_old_one(tmp_path):
    from inspectlib.archive import open_archive
    from inspectlib.demo_run import _start_fresh_archive

    store = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    assert _start_fresh_archive(store) is None
    with open_archive(store) as archive:
        assert archive.findings().empty
    kept = _start_fresh_archive(store)
    assert kept == tmp_path / "archive-previous.sqlite" and kept.exists()
    assert not (tmp_path / "archive.sqlite").exists()
