"""Readers in other processes hold the published file open while runs publish over it."""

import multiprocessing
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from kolada_goals.load.publish import PublishError, publish_database


def write_generation(path: Path, generation: int, rows: int = 20_000) -> None:
    con = duckdb.connect(str(path))
    con.execute(
        "create or replace table t as select $g as generation, range as i from range($n)",
        {"g": generation, "n": rows},
    )
    con.close()


def reader(path: str, seconds: float, queue: "multiprocessing.Queue[object]") -> None:
    """Open read-only, hold the connection, and keep checking the data is one whole run."""
    seen: set[int] = set()
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            con = duckdb.connect(path, read_only=True)
            for _ in range(5):
                generations, rows = con.execute(
                    "select count(distinct generation), count(*) from t"
                ).fetchone()
                if generations != 1 or rows != 20_000:
                    queue.put(f"half-written state: {generations} generations, {rows} rows")
                    return
                seen.add(con.execute("select min(generation) from t").fetchone()[0])
                time.sleep(0.01)
            con.close()
        queue.put(sorted(seen))
    except Exception as error:  # reported to the test, which fails on it
        queue.put(f"{type(error).__name__}: {error}")


@pytest.mark.slow
def test_readers_never_block_publishing_and_never_see_half_a_run(tmp_path: Path) -> None:
    work = tmp_path / "work.duckdb"
    published = tmp_path / "published.duckdb"
    write_generation(work, 0)
    publish_database(work, published)

    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[object] = context.Queue()
    readers = [context.Process(target=reader, args=(str(published), 4.0, queue)) for _ in range(2)]
    for process in readers:
        process.start()
    time.sleep(1.0)  # readers are up and holding the file
    for generation in range(1, 8):
        write_generation(work, generation)
        publish_database(work, published)  # must not block on the open readers
        time.sleep(0.2)
    results = [queue.get(timeout=30) for _ in readers]
    for process in readers:
        process.join(timeout=30)
    for result in results:
        assert isinstance(result, list), result
        assert len(result) >= 2  # each reader saw several published generations
    final = duckdb.connect(str(published), read_only=True)
    assert final.execute("select min(generation) from t").fetchone() == (7,)


def test_publishing_refuses_an_open_work_database(tmp_path: Path) -> None:
    work = tmp_path / "work.duckdb"
    con = duckdb.connect(str(work))
    con.execute("create table t as select 1 as x")
    (tmp_path / "work.duckdb.wal").write_bytes(b"pending")
    with pytest.raises(PublishError, match="still open"):
        publish_database(work, tmp_path / "published.duckdb")
    con.close()
    assert not (tmp_path / "published.duckdb").exists()


def publisher(work: str, published: str, rounds: int, start: Any, queue: Any) -> None:
    """Publish `work` over `published` `rounds` times, starting with the other publisher."""
    try:
        start.wait(timeout=60)
        for _ in range(rounds):
            publish_database(Path(work), Path(published))
        queue.put("ok")
    except Exception as error:  # reported to the test, which fails on it
        queue.put(f"{type(error).__name__}: {error}")


@pytest.mark.slow
def test_two_publishers_at_once_both_succeed_and_one_whole_copy_is_published(
    tmp_path: Path,
) -> None:
    works = [tmp_path / f"work-{generation}.duckdb" for generation in (1, 2)]
    for generation, work in enumerate(works, start=1):
        write_generation(work, generation, rows=2_000_000)
    published = tmp_path / "published.duckdb"
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[object] = context.Queue()
    start = context.Barrier(2)
    publishers = [
        context.Process(target=publisher, args=(str(work), str(published), 10, start, queue))
        for work in works
    ]
    for process in publishers:
        process.start()
    results = [queue.get(timeout=120) for _ in publishers]
    for process in publishers:
        process.join(timeout=30)
    assert results == ["ok", "ok"]
    with duckdb.connect(str(published), read_only=True) as con:
        generations, rows = con.execute(
            "select count(distinct generation), count(*) from t"
        ).fetchone()
    assert (generations, rows) == (1, 2_000_000)
    assert list(tmp_path.glob(".published.duckdb.*.tmp")) == []
