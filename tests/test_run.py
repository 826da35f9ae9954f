from pathlib import Path

import pytest

from inspectlib import rundirs
from inspectlib.batch import results_table, run_batch
from inspectlib.errors import InputError, InspectlibError, ParamsError, RunError
from inspectlib.htmlcheck import external_references
from inspectlib.run import Job, run_job

FIXTURE = Path(__file__).parent / "fixtures" / "run_fixture.ipynb"
JOB = Job(FIXTURE)  # the run sequence alone: no plan is computed


def params_file(tmp_path: Path, name: str = "wage", **extra) -> Path:
    lines = {
        "campaign": name,
        "year": 2027,
        "seed": 1,
        "register": "r.csv",
        "boundaries": "b.geojson",
        "roster": "roster.csv",
        "output_dir": f"out/{name}",
    }
    lines |= extra
    for input_file in ("r.csv", "b.geojson", "roster.csv"):
        (tmp_path / input_file).touch()  # the fixture notebook reads none of them
    path = tmp_path / f"{name}.yaml"
    path.write_text("".join(f"{k}: {v}\n" for k, v in lines.items()), encoding="utf-8")
    return path


def test_successful_run_is_published_as_latest(tmp_path):
    result = run_job(JOB, params_file(tmp_path))
    out = Path(result.output_dir)
    assert result.status == "ok"
    assert (out / "marker.txt").read_text(encoding="utf-8") == "wage 1"
    assert rundirs.latest(tmp_path / "out" / "wage") == out.resolve()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "done &lt;ok&gt;" in html
    assert "Path(output_dir" not in html  # no code cells in the report
    assert external_references(html) == []
    assert "<script src=" not in html


def test_failed_cell_keeps_partial_notebook_and_previous_latest(tmp_path):
    good = run_job(JOB, params_file(tmp_path))
    with pytest.raises(RunError) as info:
        run_job(JOB, params_file(tmp_path), {"seed": 13})
    message = str(info.value)
    assert "cell" in message and "ValueError: unlucky seed 13" in message
    assert info.value.kept and Path(info.value.kept).exists()
    assert "failed-" in info.value.kept
    assert "\n" not in message.strip()
    assert rundirs.latest(tmp_path / "out" / "wage") == Path(good.output_dir).resolve()


def test_bad_params_stop_before_papermill(tmp_path):
    with pytest.raises(ParamsError, match="unknown key 'colour'"):
        run_job(JOB, params_file(tmp_path, colour="red"))
    assert not (tmp_path / "out").exists()


def test_results_table_lists_every_run():
    from inspectlib.run import RunResult

    table = results_table(
        [
            RunResult("a.yaml", "wage", "ok", 1.23, "/x/y"),
            RunResult("b.yaml", "heat", "failed", 0.5, "", "boom\nmore"),
        ]
    )
    assert "wage" in table and "/x/y" in table and "failed" in table and "boom" in table
    assert "more" not in table


def test_batch_finishes_the_others_when_one_fails(tmp_path):
    files = [
        params_file(tmp_path, "wage"),
        params_file(tmp_path, "heat", seed=13),
        params_file(tmp_path, "service_sector", target_firms="lots"),
    ]
    seen = []
    results = run_batch(
        files,
        workers=2,
        job=JOB,
        progress=lambda done, total, r: seen.append((done, total)),
    )
    assert [r.status for r in results] == ["ok", "failed", "failed"]
    assert "unlucky seed 13" in results[1].message
    assert "target_firms" in results[2].message
    assert Path(results[0].output_dir, "marker.txt").exists()
    assert sorted(seen) == [(1, 3), (2, 3), (3, 3)]


def test_batch_on_a_dask_cluster(tmp_path):
    from dask.distributed import LocalCluster

    files = [params_file(tmp_path, "wage"), params_file(tmp_path, "heat")]
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        results = run_batch(files, scheduler=cluster.scheduler_address, job=JOB)
    assert [r.status for r in results] == ["ok", "ok"]
    assert [Path(r.output_dir).parent.name for r in results] == ["wage", "heat"]


def test_missing_input_files_stop_before_papermill(tmp_path):
    path = params_file(tmp_path)
    (tmp_path / "r.csv").unlink()
    with pytest.raises(InputError, match=r"r\.csv: file not found \(register"):
        run_job(JOB, path)
    assert not (tmp_path / "out").exists()


def test_latest_falls_back_on_the_text_file_where_symlinks_fail(tmp_path, monkeypatch):
    def no_symlinks(*args, **kwargs):
        raise OSError("symlinks not allowed here")

    monkeypatch.setattr(rundirs.os, "symlink", no_symlinks)
    final = rundirs.promote(rundirs.new_run_dir(tmp_path / "wage"))
    assert not (tmp_path / "wage" / rundirs.LATEST).exists()
    assert rundirs.latest(tmp_path / "wage") == final.resolve()
    assert [p.name for p in (tmp_path / "wage").iterdir() if p.name.startswith(".")] == []


def test_network_references_inside_an_embedded_document_are_found():
    from inspectlib.htmlcheck import external_references

    inner = "&lt;img src=&quot;https://tracker.example/x.png&quot;&gt;"
    assert external_references(f'<iframe srcdoc="{inner}"></iframe>') == [
        "<img src='https://tracker.example/x.png'>"
    ]


def test_a_notebook_waits_for_the_hand_over_of_its_command(tmp_path):
    import threading

    run = rundirs.new_run_dir(tmp_path)
    assert rundirs.take_over(tmp_path / "run-elsewhere") is None  # not a command's run
    rundirs.expect_handover(run)
    timer = threading.Timer(0.3, rundirs.hand_over, (run, {"plan": 1}, {"a": run / "a"}))
    timer.start()
    assert rundirs.take_over(run) == ({"plan": 1}, {"a": run / "a"})
    rundirs.clear_handover(run)
    rundirs.expect_handover(run)
    rundirs.hand_over_failure(run, "InputError: r.csv, row 3: bad")
    with pytest.raises(InspectlibError, match="the command stopped: InputError: r.csv, row 3"):
        rundirs.take_over(run)
    rundirs.clear_handover(run)
    rundirs.expect_handover(run)
    with pytest.raises(InspectlibError, match="handed nothing over"):
        rundirs.take_over(run, wait_s=0.2)


def test_bad_input_found_while_the_kernel_starts_leaves_nothing(tmp_path):
    """The kernel starts while the plan is computed; an input error then stops both and no
    run folder is left behind."""
    from inspectlib.run import run_plan
    from tests.second_region import build_second_region

    region = build_second_region(tmp_path / "region", n_firms=60)
    lines = region.register.read_bytes().decode("gbk").splitlines()
    lines.append(lines[1])  # a repeated credit code: an error of the register
    region.register.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    with pytest.raises(InputError, match="appears 2 times"):
        run_plan(region.params["wage"])
    assert not (region.root / "out").exists()
