"""The archive on SQLite and on PostgreSQL: idempotent, all-or-nothing, concurrent, migrated."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import queue

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from inspectlib.archive import (
    FINDINGS_COLUMNS,
    SCHEMA_VERSION,
    ArchiveError,
    default_store,
    default_window,
    findings_warnings,
    migrate,
    open_archive,
    parse_store,
)
from inspectlib.archive.engine import create_archive_engine
from inspectlib.archive.schema import METADATA
from inspectlib.cli import main
from inspectlib.errors import InputError, Problems
from inspectlib.schema import CAMPAIGN_IDS, RESULTS
from tests.helpers import register_rows, valid_uscc, write_csv
from tests.postgres import fresh_database

VALUES = [c for c in FINDINGS_COLUMNS if c not in ("source_file", "imported_at")]
KEY = ["firm_id", "campaign", "inspection_date"]


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> str:
    """An empty archive URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'archive.sqlite'}"
    return fresh_database(request.getfixturevalue("postgres_url"))


def findings_frame(ks, year: int = 2026) -> pd.DataFrame:
    """Canonical findings (as ``load_findings`` returns them) for row numbers ``ks``; the
    values of row ``k`` depend only on ``k``."""
    ks = np.asarray(list(ks))
    result = np.array(RESULTS)[ks % len(RESULTS)]
    day = pd.Timestamp(year, 1, 1) + pd.to_timedelta(ks % 300, unit="D")
    workers = pd.array(ks % 13, dtype="Int64")
    workers[ks % 11 == 0] = pd.NA
    frame = pd.DataFrame(
        {
            "firm_id": [f"91320500{k:010d}" for k in ks],
            "campaign": np.array(CAMPAIGN_IDS, dtype=object)[ks % len(CAMPAIGN_IDS)],
            "inspection_date": pd.Series(day).astype("datetime64[ns]"),
            "team": [f"T{k % 7}" for k in ks],
            "result": result.astype(object),
            "violation_codes": np.where(result == "violation", "W01;W03", "").astype(object),
            "workers_affected": workers,
            "back_wages_yuan": ks * 10.25,
            "fine_yuan": (ks % 5) * 100.5,
            "rectification_due": pd.Series(day + pd.Timedelta(days=30))
            .where(ks % 3 == 0)
            .astype("datetime64[ns]"),
            "notes": [f'备注 {k} "quoted" <b>' if k % 4 else "" for k in ks],
            "stratum": pd.Series([("random", "risk", None)[k % 3] for k in ks], dtype=object),
            "source_row": (ks + 2).astype("int64"),
        }
    )
    text = ["firm_id", "campaign", "team", "result", "violation_codes", "notes", "stratum"]
    frame[text] = frame[text].astype(object)  # the loader's dtypes
    return frame


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by key, archive columns only, comparable across sources."""
    out = frame.sort_values(KEY, kind="stable").reset_index(drop=True)[VALUES].copy()
    out["source_row"] = out["source_row"].astype("Int64")
    return out


# --- schema and migrations -------------------------------------------------------------------


def test_new_archive_has_the_declared_schema(store):
    with open_archive(store) as archive:
        assert archive.schema_version == SCHEMA_VERSION
        inspector = sa.inspect(archive.engine)
        for table in METADATA.sorted_tables:
            columns = {c["name"]: c["nullable"] for c in inspector.get_columns(table.name)}
            assert columns == {c.name: c.nullable for c in table.columns}, table.name
            indexes = {i["name"] for i in inspector.get_indexes(table.name)}
            assert {i.name for i in table.indexes} <= indexes, table.name
            uniques = {u["name"] for u in inspector.get_unique_constraints(table.name)}
            declared = {c.name for c in table.constraints if isinstance(c, sa.UniqueConstraint)}
            assert declared == uniques, table.name
        checks = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints("findings")}
        assert all(f"'{r}'" in checks["ck_findings_result"] for r in RESULTS)


def test_version_1_archive_is_upgraded_in_place(store):
    engine = create_archive_engine(parse_store(store))
    assert migrate(engine, target=1) == (0, 1)
    v1 = sa.MetaData()
    with engine.begin() as conn:
        table = sa.Table("findings", v1, autoload_with=conn)
        assert "source_row" not in table.c
        conn.execute(
            sa.insert(table).values(
                firm_id="OLD1",
                campaign="heat",
                inspection_date=dt.date(2024, 8, 5),
                team="T1",
                result="violation",
                violation_codes="H02",
                notes="from v1",
                source_file="old.csv",
                imported_at=dt.datetime(2024, 9, 1, tzinfo=dt.UTC),
            )
        )
    assert "ix_findings_campaign_date" not in {
        i["name"] for i in sa.inspect(engine).get_indexes("findings")
    }
    engine.dispose()

    with open_archive(store) as archive:
        assert archive.schema_version == 4
        inspector = sa.inspect(archive.engine)
        assert inspector.has_table("superseded_findings") and inspector.has_table("adoptions")
        assert {"window_start", "window_end"} <= {c["name"] for c in inspector.get_columns("plans")}
        assert "source_row" in {c["name"] for c in inspector.get_columns("findings")}
        assert "ix_findings_campaign_date" in {i["name"] for i in inspector.get_indexes("findings")}
        old = archive.findings(campaign="heat", years=2024)
        assert old["firm_id"].tolist() == ["OLD1"] and old["source_row"].isna().all()
        assert archive.record_findings(findings_frame(range(5)), "new.csv").added == 5
        with archive.engine.connect() as conn:
            steps = conn.execute(sa.text("SELECT version FROM schema_version ORDER BY 1")).all()
        assert [s[0] for s in steps] == [1, 2, 3, 4]


def test_archive_from_a_newer_inspectlib_is_refused(store):
    with open_archive(store) as archive, archive.engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO schema_version VALUES (99, 'future', :t)"),
            {"t": dt.datetime.now(dt.UTC)},
        )
    with pytest.raises(ArchiveError, match="schema version 99, newer"):
        open_archive(store)


def test_store_urls(tmp_path):
    assert parse_store("postgresql://u@h/db").drivername == "postgresql+psycopg"
    with pytest.raises(ArchiveError, match="SQLite or PostgreSQL only"):
        parse_store("mysql://u@h/db")
    with pytest.raises(ArchiveError, match="not an SQLAlchemy URL"):
        parse_store("archive.sqlite")
    assert default_store(tmp_path) == f"sqlite:///{tmp_path}/outputs/archive.sqlite"
    with open_archive(default_store(tmp_path)):
        assert (tmp_path / "outputs" / "archive.sqlite").is_file()


def test_sqlite_archive_uses_wal(tmp_path):
    archive = open_archive(f"sqlite:///{tmp_path / 'a.sqlite'}")
    with archive, archive.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000


# --- findings ----------------------------------------------------------------------------------


def test_import_is_idempotent_and_values_survive(store):
    frame = findings_frame(range(60))
    with open_archive(store) as archive:
        first = archive.record_findings(frame, "team1.csv")
        assert (first.added, first.already_present, first.rows) == (60, 0, 60)
        again = archive.record_findings(frame, "team1.csv")
        assert (again.added, again.already_present, again.warnings) == (0, 60, ())
        more = archive.record_findings(findings_frame(range(50, 70)), "team2.csv")
        assert (more.added, more.already_present) == (10, 10)
        got = archive.findings()
        assert list(got.columns) == list(FINDINGS_COLUMNS)
        assert got["inspection_date"].dtype == "datetime64[ns]"
        assert got["workers_affected"].dtype == "Int64"
        pd.testing.assert_frame_equal(canonical(got), canonical(findings_frame(range(70))))
        assert set(got.loc[got["firm_id"] == "913205000000000065", "source_file"]) == {"team2.csv"}
        heat = archive.findings(campaign="heat", years=[2026])
        assert len(heat) == sum(k % 4 == 2 for k in range(70)) and set(heat["campaign"]) == {"heat"}
        assert archive.findings(years=2025).empty


def test_same_key_with_other_values_in_one_file_is_an_error_naming_both_rows(store):
    frame = findings_frame(range(10))
    frame.loc[7, KEY] = frame.loc[2, KEY].to_numpy()
    with open_archive(store) as archive:
        archive.record_findings(findings_frame(range(100, 103)), "earlier.csv")
        with pytest.raises(InputError) as info:
            archive.record_findings(frame, "team3.csv")
        message = str(info.value.problems[0])
        assert "row 4" in message and "row 9" in message and "team3.csv" in message
        assert len(archive.findings()) == 3


def test_exact_repeat_in_one_file_is_stored_once_with_a_warning(store):
    frame = findings_frame(range(5))
    frame = pd.concat([frame, frame.iloc[[1]]], ignore_index=True)
    with open_archive(store) as archive:
        result = archive.record_findings(frame, "team4.csv")
        assert (result.added, result.already_present, result.rows) == (5, 0, 6)
        assert len(result.warnings) == 1 and "same values" in result.warnings[0].message


def test_key_archived_with_other_values_keeps_the_archived_row_and_warns(store):
    with open_archive(store) as archive:
        archive.record_findings(findings_frame(range(4)), "first.csv")
        changed = findings_frame(range(4))
        changed.loc[2, "fine_yuan"] = 9999.0
        result = archive.record_findings(changed, "second.csv")
        assert (result.added, result.already_present) == (0, 4)
        (warning,) = result.warnings
        assert warning.row == 4 and warning.column == "fine_yuan"
        assert "first.csv row 4" in warning.message
        assert 9999.0 not in archive.findings()["fine_yuan"].tolist()


def test_replace_corrects_a_finding_and_keeps_the_version_earlier_draws_saw(store):
    with open_archive(store) as archive:
        archive.record_findings(findings_frame(range(4)), "first.csv")
        before = pd.Timestamp.now(tz="UTC")
        corrected = findings_frame(range(4)).assign(stratum=None)  # blank stratum: kept
        corrected.loc[2, ["result", "fine_yuan"]] = ["violation", 9999.0]
        result = archive.record_findings(corrected, "second.csv", replace=True)
        assert (result.added, result.replaced, result.already_present) == (0, 1, 3)
        assert result.warnings == ()
        now = archive.findings().set_index("firm_id")
        key = corrected.loc[2, "firm_id"]
        assert now.loc[key, "fine_yuan"] == 9999.0 and now.loc[key, "result"] == "violation"
        assert now.loc[key, "source_file"] == "second.csv"
        assert now.loc[key, "stratum"] == findings_frame([2])["stratum"].iloc[0]
        then = archive.findings(as_of=before).set_index("firm_id")
        assert then.loc[key, "fine_yuan"] == findings_frame([2])["fine_yuan"].iloc[0]
        assert then.loc[key, "source_file"] == "first.csv" and len(then) == 4
        pd.testing.assert_frame_equal(
            canonical(archive.findings(as_of=before)), canonical(findings_frame(range(4)))
        )
        again = archive.record_findings(corrected, "second.csv", replace=True)
        assert (again.added, again.replaced, again.already_present) == (0, 0, 4)
        with archive.engine.connect() as conn:
            kept = conn.execute(sa.text("SELECT count(*) FROM superseded_findings")).scalar()
        assert kept == 1


def test_a_row_the_database_refuses_rolls_back_the_whole_file(store, monkeypatch):
    """Past the checks in Python (switched off here), the database's own constraint stops
    row 2,400 after earlier batches were sent: nothing of the file stays."""
    monkeypatch.setattr("inspectlib.archive.findings.row_problems", lambda *a: Problems())
    frame = findings_frame(range(2400))
    frame.loc[2399, "result"] = "maybe"
    with open_archive(store) as archive:
        archive.record_findings(findings_frame(range(5000, 5003)), "earlier.csv")
        with pytest.raises(InputError, match="nothing was recorded"):
            archive.record_findings(frame, "big.csv")
        assert len(archive.findings()) == 3


def _importer(store, frame, name, barrier, results) -> None:
    try:
        barrier.wait(timeout=60)
        with open_archive(store) as archive:  # each process opens (and maybe creates) it
            result = archive.record_findings(frame, name)
        results.put((name, result.added, result.already_present, len(result.warnings), ""))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        results.put((name, 0, 0, 0, repr(exc)))


def test_eight_concurrent_importers_lose_nothing_and_duplicate_nothing(store):
    importers, own, shared = 8, 500, 100
    rng = np.random.default_rng(7)
    common = range(100_000, 100_000 + shared)
    frames = []
    for i in range(importers):
        ks = np.concatenate([np.arange(i * own, (i + 1) * own), np.asarray(common)])
        frames.append(findings_frame(rng.permutation(ks)))  # each in its own order
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(importers), ctx.Queue()
    procs = [
        ctx.Process(target=_importer, args=(store, f, f"importer{i}.csv", barrier, results))
        for i, f in enumerate(frames)
    ]
    for p in procs:
        p.start()
    try:
        outcomes = [results.get(timeout=120) for _ in procs]
    except queue.Empty:
        pytest.fail("an importer did not finish within 120 s")
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()
    assert [o[4] for o in outcomes] == [""] * importers
    distinct = importers * own + shared
    assert sum(o[1] for o in outcomes) == distinct
    assert sum(o[2] for o in outcomes) == importers * (own + shared) - distinct
    assert all(o[3] == 0 for o in outcomes)
    with open_archive(store) as archive:
        got = archive.findings()
    assert len(got) == distinct and not got.duplicated(KEY).any()
    expected = findings_frame([*range(importers * own), *common])
    pd.testing.assert_frame_equal(canonical(got), canonical(expected))


# --- plans -------------------------------------------------------------------------------------


def _plan(audit_seed: int = 1):
    selected = pd.DataFrame(
        {
            "firm_id": ["F3", "F1", "F2"],
            "draw_order": [1, 2, 3],
            "stratum": ["random", "risk", "risk"],
            "risk_score": [0.25, 0.9, np.nan],
            "name": ["丙", "甲", "乙"],
        }
    )
    schedule = pd.DataFrame(
        {
            "date": pd.to_datetime(["2027-01-05", "2027-01-05", "2027-01-06"]),
            "team": ["A", "A", "B"],
            "members": ["王一, 李二", "王一, 李二", "张三, 赵四"],
            "visit_order": [1, 2, 1],
            "firm_id": ["F1", "F3", "F2"],
        }
    )
    audit = {"format": "inspectlib-audit/1", "seed": audit_seed, "selected": ["F3", "F1", "F2"]}
    params = {"campaign": "wage", "year": 2027, "window_start": dt.date(2027, 1, 4)}
    return params, audit, selected, schedule


def test_record_plan_stores_a_plan_once(store, tmp_path):
    params, audit, selected, schedule = _plan()
    with open_archive(store) as archive:
        first = archive.record_plan("wage", 2027, params, audit, selected, schedule, "out/run-1")
        again = archive.record_plan(
            "wage", 2027, params, dict(reversed(audit.items())), selected, schedule, "out/run-2"
        )
        assert again == first
        other = archive.record_plan("wage", 2027, params, _plan(2)[1], selected, None, "out/r3")
        assert other != first
        plans = archive.plans(campaign="wage", year=2027)
        assert plans["id"].tolist() == [first, other]
        assert plans.loc[0, "params"]["window_start"] == "2027-01-04"
        assert plans.loc[0, "audit_path"].endswith("run-1/audit.json")
        assert archive.plans(year=2026).empty
        draw = archive.draw(first)
        assert draw["firm_id"].tolist() == ["F3", "F1", "F2"]
        assert draw["risk_score"].iloc[:2].tolist() == [0.25, 0.9] and np.isnan(draw.iloc[2, 3])
        visits = archive.assignments(first)
        assert visits[["firm_id", "team", "visit_order"]].values.tolist() == [
            ["F1", "A", 1],
            ["F3", "A", 2],
            ["F2", "B", 1],
        ]
        assert visits["members"].iloc[2] == "张三, 赵四"
        assert archive.assignments(other).empty and len(archive.draw(other)) == 3
        with archive.engine.connect() as conn:
            n_draws = conn.execute(sa.text("SELECT count(*) FROM draws")).scalar()
        assert n_draws == 6
        with pytest.raises(ArchiveError, match="no plan 999"):
            archive.draw(999)


def test_findings_take_their_stratum_from_the_official_draw_only_inside_its_window(store):
    """A draw labels its firms' findings dated inside its window and after it was made;
    drafts label nothing; a stratum given in the file is kept."""
    sheet = findings_frame([0, 1, 2, 3, 4], year=2027)
    sheet["firm_id"] = ["F1", "F3", "F9", "F2", "F1"]
    sheet["campaign"] = "wage"
    sheet["inspection_date"] = pd.to_datetime(
        ["2027-01-05", "2027-01-06", "2027-01-06", "2027-01-07", "2027-06-01"]
    )
    sheet["stratum"] = [None, None, None, "random", None]  # inspectors' sheets rarely say
    params, audit, selected, schedule = _plan()  # F3 random, F1 and F2 risk
    audit["window"] = ["2027-01-04", "2027-02-05"]
    with open_archive(store) as archive:
        archive.record_findings(sheet, "sheet.xlsx")
        plan_id = archive.record_plan("wage", 2027, params, audit, selected, schedule, "out/r1")
        draft = archive.findings().set_index(["firm_id", "inspection_date"])["stratum"]
        assert draft.isna().sum() == 4  # a draft gives no stratum
        between = pd.Timestamp.now(tz="UTC")
        archive.adopt(plan_id, adopted_by="tester", audit_file_sha256="0" * 64, run_folder="r1")
        strata = archive.draw_strata()
        assert strata[["firm_id", "stratum"]].values.tolist() == [
            ["F1", "risk"],
            ["F2", "risk"],
            ["F3", "random"],
        ]
        assert archive.draw_strata(between).empty
        now = archive.findings().set_index(["firm_id", "inspection_date"])["stratum"]
        before = archive.findings(as_of=between)["stratum"]
    assert now.to_dict() == {
        ("F1", pd.Timestamp("2027-01-05")): "risk",
        ("F3", pd.Timestamp("2027-01-06")): "random",
        ("F9", pd.Timestamp("2027-01-06")): None,
        ("F2", pd.Timestamp("2027-01-07")): "random",  # as the file said
        ("F1", pd.Timestamp("2027-06-01")): None,  # outside the draw's window
    }
    assert before.tolist() == [None, None, None, "random", None]


def test_a_draw_never_relabels_findings_dated_before_it_was_made(store):
    sheet = findings_frame([0, 1], year=2026)
    sheet["firm_id"] = ["F1", "F1"]
    sheet["campaign"] = "wage"
    yesterday = pd.Timestamp.now().normalize() - pd.Timedelta(days=1)
    sheet["inspection_date"] = [yesterday, yesterday + pd.Timedelta(days=3)]
    sheet["stratum"] = None
    params, audit, selected, schedule = _plan()
    audit["window"] = [f"{yesterday.year}-01-01", f"{yesterday.year + 1}-12-31"]
    with open_archive(store) as archive:
        archive.record_findings(sheet, "sheet.xlsx")
        plan_id = archive.record_plan("wage", 2027, params, audit, selected, schedule, "out/r1")
        archive.adopt(plan_id, adopted_by="tester", audit_file_sha256="0" * 64, run_folder="r1")
        assert archive.findings()["stratum"].tolist() == [None, "risk"]


def test_a_second_adoption_needs_a_reason_and_both_are_kept(store):
    from inspectlib.archive import AdoptionRefused

    with open_archive(store) as archive:
        first = archive.record_plan("wage", 2027, *_plan(1)[:1], *_plan(1)[1:], "out/r1")
        second = archive.record_plan("wage", 2027, *_plan(2)[:1], *_plan(2)[1:], "out/r2")
        adopt = {"adopted_by": "tester", "audit_file_sha256": "a" * 64}
        archive.adopt(first, run_folder="r1", **adopt)
        assert not archive.adopt(first, run_folder="r1", **adopt).new  # again: nothing new
        with pytest.raises(AdoptionRefused, match="needs --reason"):
            archive.adopt(second, run_folder="r2", **adopt)
        archive.adopt(second, run_folder="r2", reason="第一次抽取使用了旧名录", **adopt)
        table = archive.adoptions("wage", 2027)
    assert table["plan_id"].tolist() == [first, second]
    assert table["reason"].tolist() == [None, "第一次抽取使用了旧名录"]


# --- checks --------------------------------------------------------------------------------------


def test_default_windows_follow_the_calendar():
    assert default_window("wage", 2025) == (dt.date(2025, 1, 1), dt.date(2025, 1, 27))
    assert default_window("heat", 2026) == (dt.date(2026, 8, 1), dt.date(2026, 9, 30))
    frame = findings_frame([0])  # campaign wage
    frame["inspection_date"] = pd.to_datetime(["2025-02-10"])
    (warning,) = findings_warnings(frame, "f.csv").items
    assert "2025-01-01…2025-01-27" in warning.message and warning.row == 2
    frame["inspection_date"] = pd.to_datetime(["2025-01-27"])
    assert not findings_warnings(frame, "f.csv").items


# --- the record command ---------------------------------------------------------------------------


def inspector_file(ids, dates, campaign="工资", results=None) -> pd.DataFrame:
    """A findings sheet as an inspection team sends it (Chinese headers)."""
    return pd.DataFrame(
        {
            "统一社会信用代码": ids,
            "专项检查": [campaign] * len(ids),
            "检查日期": dates,
            "检查组": ["I01+I02"] * len(ids),
            "检查结果": results or ["违法"] + ["合规"] * (len(ids) - 1),
            "追发工资(元)": ["35,000"] + [""] * (len(ids) - 1),
            "罚款(元)": [""] * len(ids),
            "整改期限": [""] * len(ids),
        }
    )


def count(store: str) -> int:
    with open_archive(store) as archive:
        return len(archive.findings())


def test_record_command_prints_counts_and_is_idempotent(store, tmp_path, capsys):
    ids = [valid_uscc(i) for i in range(1, 4)]
    path = write_csv(
        inspector_file(ids, ["2026-01-05", "2026/1/6", "2026年1月7日"]), tmp_path / "t.csv"
    )
    assert main(["record", str(path), "--store", store]) == 0
    assert (
        f"{path}: 3 rows, 3 added, 0 already in the archive, 0 warnings" in capsys.readouterr().out
    )
    assert main(["record", str(path), "--store", store]) == 0
    assert "3 rows, 0 added, 3 already in the archive" in capsys.readouterr().out
    with open_archive(store) as archive:
        got = archive.findings()
    assert got["back_wages_yuan"].tolist() == [35000.0, 0.0, 0.0]
    assert got["result"].tolist() == ["violation", "compliant", "compliant"]


def test_record_command_with_a_bad_file_writes_nothing(store, tmp_path, capsys):
    ids = [valid_uscc(i) for i in range(1, 4)]
    good = write_csv(inspector_file(ids, ["2026-01-05"] * 3), tmp_path / "good.csv")
    rows = inspector_file(ids, ["2026-01-06"] * 3, results=["合规", "合规", "还行"])
    bad = write_csv(rows, tmp_path / "bad.csv")
    assert main(["record", str(good), str(bad), "--store", store]) == 1
    out = capsys.readouterr().out
    assert "bad.csv, row 4, column '检查结果'" in out and "nothing was recorded" in out
    assert "Traceback" not in out
    assert count(store) == 0


def test_record_command_refuses_a_key_twice_with_other_values(tmp_path, capsys):
    store = f"sqlite:///{tmp_path / 'a.sqlite'}"
    ids = [valid_uscc(1), valid_uscc(2), valid_uscc(1)]
    rows = inspector_file(ids, ["2026-01-05", "2026-01-05", "2026/1/5"])
    path = write_csv(rows, tmp_path / "dup.csv")
    assert main(["record", str(path), "--store", store]) == 1
    out = capsys.readouterr().out
    assert "appears in row 2 and row 4 with different values" in out
    assert count(store) == 0


def test_record_command_replace_corrects_what_a_plain_record_keeps(tmp_path, capsys):
    store = f"sqlite:///{tmp_path / 'a.sqlite'}"
    ids, dates = [valid_uscc(1), valid_uscc(2)], ["2026-01-05", "2026-01-06"]
    first = write_csv(inspector_file(ids, dates), tmp_path / "first.csv")
    fixed = write_csv(inspector_file(ids, dates, results=["违法", "违法"]), tmp_path / "fix.csv")
    assert main(["record", str(first), "--store", store]) == 0
    assert main(["record", str(fixed), "--store", store]) == 0
    out = capsys.readouterr().out
    assert "0 added, 2 already in the archive, 1 warnings" in out
    assert "the archived row is kept (record with --replace to correct it)" in out
    assert main(["record", str(fixed), "--store", store, "--replace"]) == 0
    assert "0 added, 1 replaced, 1 already in the archive, 0 warnings" in capsys.readouterr().out
    with open_archive(store) as archive:
        assert archive.findings()["result"].tolist() == ["violation", "violation"]


def test_record_command_warns_on_unknown_firms_and_dates_outside_the_window(tmp_path, capsys):
    store = f"sqlite:///{tmp_path / 'a.sqlite'}"
    register = write_csv(register_rows(3), tmp_path / "register.csv")  # valid_uscc(1..3)
    ids = [valid_uscc(1), valid_uscc(2), valid_uscc(77)]
    wage = write_csv(
        inspector_file(ids, ["2026-01-05", "2026-03-02", "2026-01-09"]), tmp_path / "w.csv"
    )
    args = ["record", str(wage), "--store", store, "--register", str(register)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "3 rows, 3 added, 0 already in the archive, 2 warnings" in out
    assert f"warning: {wage}, row 4, column 'firm_id': firm {valid_uscc(77)} is not in" in out
    assert "row 3, column 'inspection_date': inspection_date 2026-03-02 is outside the wage" in out
    heat = write_csv(
        inspector_file(ids[:2], ["2026-06-20", "2026-08-03"], "高温"), tmp_path / "h.csv"
    )
    assert main(["record", str(heat), "--store", store]) == 0
    out = capsys.readouterr().out
    assert "1 warnings" in out and "2026-08-01…2026-09-30" in out and "row 2" in out
    window = ["--campaign-window", "2026-06-01", "2026-06-30"]
    assert main(["record", str(heat), "--store", store, *window]) == 0
    out = capsys.readouterr().out
    assert "0 added, 2 already in the archive, 1 warnings" in out and "row 3" in out
    assert count(store) == 5


def test_record_command_usage_and_store_errors(tmp_path, capsys):
    path = write_csv(inspector_file([valid_uscc(1)], ["2026-01-05"]), tmp_path / "t.csv")
    with pytest.raises(SystemExit) as info:
        main(["record", str(path), "--campaign-window", "2026-01-01", "soon"])
    assert info.value.code == 2
    assert main(["record", str(path), "--store", "mysql://x@y/z"]) == 1
    assert "SQLite or PostgreSQL only" in capsys.readouterr().err


def test_record_command_reads_excel_with_english_headers(tmp_path, capsys):
    store = f"sqlite:///{tmp_path / 'a.sqlite'}"
    sheet = findings_frame(range(4)).drop(columns=["source_row", "stratum"])
    sheet["inspection_date"] = sheet["inspection_date"].dt.strftime("%Y-%m-%d")
    sheet["rectification_due"] = sheet["rectification_due"].dt.strftime("%Y-%m-%d")
    sheet.to_excel(tmp_path / "team5.xlsx", index=False)
    assert main(["record", str(tmp_path / "team5.xlsx"), "--store", store]) == 0
    assert "4 rows, 4 added" in capsys.readouterr().out
    with open_archive(store) as archive:
        got = archive.findings()
    expected = findings_frame(range(4)).assign(stratum=None)
    expected["workers_affected"] = expected["workers_affected"].fillna(0)  # the loader's rule
    pd.testing.assert_frame_equal(canonical(got), canonical(expected))
