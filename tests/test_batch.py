"""Batch: bad files among good ones, parity with `check`, .zip input, duplicates, 跨期, timeouts, size cap, Dask."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from bulk import write_returns

from sasac_check.batch import BatchOptions, run_batch
from sasac_check.check.run import check_files
from sasac_check.cli import main
from sasac_check.report.jsonfmt import to_data
from sasac_check.rules.load import load_rules


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("batch")
    write_returns(d / "good", 12, faulty_every=3)
    (d / "bad").mkdir()
    (d / "bad" / "empty.xlsx").write_bytes(b"")
    (d / "bad" / "foreign.xlsx").write_text("企业名称,资产总计\n某公司,100\n", encoding="utf-8")
    (d / "bad" / "locked.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + os.urandom(600))
    good = sorted((d / "good").glob("*.xlsx"))
    (d / "bad" / "corrupt.xlsx").write_bytes(good[0].read_bytes()[:4000])
    return d


def _opts(**kw) -> BatchOptions:
    kw.setdefault("progress", False)
    kw.setdefault("workers", 2)
    return BatchOptions(**kw)


def test_bad_files_reported_and_good_ones_exactly_as_check(folder: Path) -> None:
    br = run_batch([folder], _opts(chunk=4))
    files = {f.path: f for f in br.result.files}
    assert len(files) == 16
    reasons = {Path(p).name: f.reason for p, f in files.items() if f.status == "unreadable"}
    assert set(reasons) == {"empty.xlsx", "foreign.xlsx", "locked.xlsx", "corrupt.xlsx"}
    assert "为空" in reasons["empty.xlsx"] and "加密" in reasons["locked.xlsx"]
    assert "不是有效" in reasons["foreign.xlsx"] and "损坏" in reasons["corrupt.xlsx"]
    good = sorted(str(p) for p in (folder / "good").glob("*.xlsx"))
    ref = check_files(good, load_rules())
    mine = [x for x in br.result.findings if x.file in set(good)]
    assert mine == ref.findings and len(ref.findings) > 0
    ref_files = {f["path"]: f for f in to_data(ref)["files"]}
    for f in to_data(br.result)["files"]:
        if f["path"] in ref_files:
            assert f == ref_files[f["path"]]
    assert br.exit_code() == 3


def test_zip_members_read_in_place_and_named(folder: Path, tmp_path: Path) -> None:
    z = tmp_path / "returns.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in sorted((folder / "good").glob("*.xlsx"))[:5]:
            zf.write(p, f"district/{p.name}")
        zf.writestr("district/empty.xlsx", b"")
        zf.writestr("readme.txt", "not a workbook")
    br = run_batch([z], _opts())
    names = [f.path for f in br.result.files]
    assert names == [f"{z}/district/{p.name}" for p in sorted((folder / "good").glob("*.xlsx"))[:5]] + [f"{z}/district/empty.xlsx"]
    on_disk = check_files(sorted((folder / "good").glob("*.xlsx"))[:5], load_rules())
    strip = lambda fs, pre: [(x.rule, x.sheet, x.cell, x.message, Path(x.file).name) for x in fs  # noqa: E731
                             if x.file.startswith(pre) and x.rule != "READ-UNREADABLE"]  # empty.xlsx: only in the zip
    assert strip(br.result.findings, str(z)) == strip(on_disk.findings, str(folder))
    assert br.result.files[-1].status == "unreadable"
    assert not list(tmp_path.glob("district*")), "nothing extracted to disk"


def test_duplicates_flagged(folder: Path, tmp_path: Path) -> None:
    a = sorted((folder / "good").glob("*.xlsx"))[0]
    shutil.copy(a, tmp_path / "copy.xlsx")
    br = run_batch([a, tmp_path / "copy.xlsx"], _opts())
    dups = [x for x in br.result.findings if x.rule == "BATCH-DUP"]
    assert {x.file for x in dups} == {str(a), str(tmp_path / "copy.xlsx")}
    assert all(x.sheet == "封面" and x.cell and "重复报送" in x.message for x in dups)


def test_cross_period_with_prior_in_batch_matches_check_prior(tmp_path: Path) -> None:
    cur = write_returns(tmp_path / "2024", 3, faulty_every=0, period="2024年度")
    pri = write_returns(tmp_path / "2023", 3, faulty_every=0, period="2023年度")
    br = run_batch([tmp_path], _opts())
    xp = [x for x in br.result.findings if x.rule.startswith("XP-")]
    assert xp and {x.file for x in xp} == {str(p) for p in cur}
    ref = check_files(cur, load_rules(), prior=pri)
    assert sorted(xp, key=repr) == sorted([x for x in ref.findings if x.rule.startswith("XP-")], key=repr)
    # the same with --prior instead of the prior year in the batch
    br2 = run_batch([tmp_path / "2024"], _opts(prior=[str(tmp_path / "2023")]))
    assert sorted([x for x in br2.result.findings if x.rule.startswith("XP-")], key=repr) == sorted(xp, key=repr)
    assert br2.pairs == 3


def test_peer_outlier_flagged(tmp_path: Path) -> None:
    from samples import consistent_values, write_return

    write_returns(tmp_path, 12, faulty_every=0, bases=6)
    write_return(consistent_values(99, debt_ratio=0.97, 统一社会信用代码="91150602MA0N00000X"[:17] + "0"), tmp_path / "odd.xlsx")
    br = run_batch([tmp_path], _opts())
    peer = [x for x in br.result.findings if x.rule == "BATCH-PEER" and x.item == "资产负债率"]
    assert [Path(x.file).name for x in peer] == ["odd.xlsx"]
    assert peer[0].severity == "warning" and "同行业" in peer[0].message and peer[0].sheet == "主要指标" and peer[0].cell


def test_hung_and_oversized_files_are_stopped_and_reported(folder: Path, tmp_path: Path) -> None:
    good = sorted((folder / "good").glob("*.xlsx"))[:2]
    for p in good:
        shutil.copy(p, tmp_path / p.name)
    os.mkfifo(tmp_path / "hung.xlsx")  # opening it would block forever: refused at once, never waited on
    (tmp_path / "huge.xlsx").write_bytes(b"PK\x03\x04" + b"\0" * 300_000)
    br = run_batch([tmp_path], _opts(timeout=1.0, max_mb=0.2))
    st = {Path(f.path).name: f for f in br.result.files}
    assert st["hung.xlsx"].status == "unreadable" and "不是普通文件（管道" in st["hung.xlsx"].reason
    assert st["huge.xlsx"].status == "unreadable" and "过大" in st["huge.xlsx"].reason
    assert all(st[p.name].status != "unreadable" for p in good)


def test_cluster_gives_identical_findings(folder: Path) -> None:
    distributed = pytest.importorskip("distributed")
    local = run_batch([folder], _opts())
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = run_batch([folder], _opts(cluster=cluster.scheduler_address))
    assert to_data(remote.result) == to_data(local.result)


def test_cli_exit_codes_and_github_format(folder: Path, tmp_path: Path, capsys) -> None:
    clean = sorted((folder / "good").glob("*.xlsx"))[0]
    assert main(["batch", str(clean), "--no-progress", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["ok"] == 1
    assert main(["batch", str(folder / "good"), "--no-progress", "--format", "github"]) == 1
    out = capsys.readouterr().out
    assert "::error file=" in out and "title=" in out
    assert main(["batch", str(folder), "--no-progress"]) == 3
    err = capsys.readouterr().err  # no output asked for: the unreadable files are named, and where details go
    assert "无法读取 " in err and "empty.xlsx：文件为空" in err and "未指定输出" in err
    bad_rules = tmp_path / "bad.yaml"
    bad_rules.write_text("rules:\n  - id: X\n    check: 不存在的项目 == 1\n", encoding="utf-8")
    assert main(["batch", str(folder / "good"), "--rules", str(bad_rules), "--no-progress"]) == 2


def test_prefetch_never_blocks_nor_raises(tmp_path: Path) -> None:
    import threading

    from sasac_check.batch.inputs import Task
    from sasac_check.batch.worker import close_all, prefetch
    from sasac_check.read import read_workbook

    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)  # a FIFO named like a workbook: opening it for reading would wait for a writer
    real = tmp_path / "real.xlsx"
    shutil.copy(write_returns(tmp_path / "one", 1)[0], real)
    tasks = [Task(0, str(fifo), str(fifo)), Task(1, "gone.xlsx", str(tmp_path / "gone.xlsx")), Task(2, str(real), str(real)),
             Task(3, "a.zip/b.xlsx", str(real), member="b.xlsx"), Task(4, "big.xlsx", str(real), error="文件过大")]
    fds: dict[int, int] = {}
    done = threading.Event()

    def run() -> None:
        for t in tasks:
            prefetch(t, fds)
        done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(5), "prefetch blocked"
    assert list(fds) == [2]  # only the regular file is kept open for its turn
    fd = fds.pop(2)
    assert read_workbook(real, fd=fd).values == read_workbook(real).values
    with pytest.raises(OSError):
        os.fstat(fd)  # read_workbook closed it
    prefetch(tasks[2], fds)
    close_all(fds)
    assert fds == {}


def test_peer_median_is_numpys() -> None:
    import numpy as np

    from sasac_check.batch.cross import _median

    rng = np.random.default_rng(7)
    for n in [*range(1, 30), 1000, 1001]:
        a = np.round(rng.normal(size=n) * 1000, 2)
        assert _median(a) == float(np.median(a))


def test_unreadable_prior_inputs_are_named(tmp_path: Path, capsys) -> None:
    cur = write_returns(tmp_path / "2024", 2)
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "broken.xlsx").write_bytes(b"not a workbook")
    code = main(["batch", str(cur[0].parent), "--prior", str(tmp_path / "old"), "--prior", str(tmp_path / "gone.zip"),
                 "--no-progress"])
    err = capsys.readouterr().err
    assert code == 0
    assert f"上期报表 {tmp_path / 'old' / 'broken.xlsx'} 无法读取，未用于跨期审核" in err
    assert f"上期报表 {tmp_path / 'gone.zip'} 无法读取，未用于跨期审核：文件不存在" in err
    assert "Traceback" not in err


def test_check_names_an_unreadable_prior(tmp_path: Path, capsys) -> None:
    cur = write_returns(tmp_path / "2024", 1)[0]
    code = main(["check", str(cur), "--prior", str(tmp_path / "gone.xlsx")])
    err = capsys.readouterr().err
    assert code == 0 and f"上期报表 {tmp_path / 'gone.xlsx'} 无法读取，未用于跨期审核：文件不存在" in err


def test_a_review_written_into_the_reviewed_folder_is_not_read_next_time(tmp_path: Path) -> None:
    folder = write_returns(tmp_path / "in", 3, faulty_every=0)[0].parent
    out = folder / "review.xlsx"
    for _ in range(2):
        assert main(["batch", str(folder), "-o", str(out), "--json", str(tmp_path / "r.json"), "--no-progress"]) == 0
        data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
        assert [Path(f["path"]).name for f in data["files"]] == [f"return-0000{i}.xlsx" for i in range(3)]
