"""axe-core, the accessibility checker, run in headless chromium on a copy of a page.

The page itself stays script-free: axe.min.js and a small runner are added to a copy, chromium
loads it and prints its DOM, and the runner has written axe's results into that DOM as JSON.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tasks

RESULTS_ID = "axe-results"
# Violations of these impacts fail a test; the others are printed.
BLOCKING_IMPACTS = ("serious", "critical")

# Runs every rule of axe's default set; writes the results, or the error, into the page.
_RUNNER = """
axe.run(document, {resultTypes: ["violations", "incomplete"]}).then(
  function (results) { write({
    version: results.testEngine.version,
    violations: results.violations.map(summary),
    incomplete: results.incomplete.map(summary),
  }); },
  function (error) { write({error: String(error)}); }
);
function summary(rule) {
  return {id: rule.id, impact: rule.impact, help: rule.help, nodes: rule.nodes.map(
    function (node) { return {target: node.target.join(" "), html: node.html.slice(0, 300),
                              summary: node.failureSummary || ""}; })};
}
function write(data) {
  var pre = document.createElement("pre");
  pre.id = "RESULTS_ID";
  pre.textContent = JSON.stringify(data);
  document.body.appendChild(pre);
}
""".replace("RESULTS_ID", RESULTS_ID)


@dataclass(frozen=True)
class AxeNode:
    target: str  # a CSS selector
    html: str
    summary: str


@dataclass(frozen=True)
class AxeRule:
    rule_id: str
    impact: str | None
    help: str
    nodes: tuple[AxeNode, ...]

    def describe(self) -> str:
        first = self.nodes[0].target if self.nodes else ""
        return f"{self.rule_id} ({self.impact}): {self.help} – {len(self.nodes)} × e.g. {first}"


@dataclass(frozen=True)
class AxeResults:
    version: str
    violations: tuple[AxeRule, ...]
    incomplete: tuple[AxeRule, ...]  # what axe could not decide and asks a person to check

    def blocking(self) -> list[AxeRule]:
        return [rule for rule in self.violations if rule.impact in BLOCKING_IMPACTS]

    def others(self) -> list[AxeRule]:
        return [rule for rule in self.violations if rule.impact not in BLOCKING_IMPACTS]


def pinned_version() -> str:
    """The version in tests/axe-core.toml, the one home of the pin."""
    return tasks.axe_core_pin()[0]


def axe_core_script() -> Path:
    """Where `python3 tasks.py test` keeps the pinned, hash-checked axe.min.js."""
    return tasks.axe_core_script(pinned_version())


def _rules(items: list[dict[str, Any]]) -> tuple[AxeRule, ...]:
    return tuple(
        AxeRule(
            rule_id=item["id"],
            impact=item.get("impact"),
            help=item["help"],
            nodes=tuple(AxeNode(n["target"], n["html"], n["summary"]) for n in item["nodes"]),
        )
        for item in items
    )


def parse_results(dom: str) -> AxeResults:
    """axe's results as the runner wrote them into the printed DOM."""
    match = re.search(rf'<pre id="{RESULTS_ID}">(.*?)</pre>', dom, re.S)
    if match is None:
        raise AssertionError(
            "axe wrote no results into the page: chromium printed the DOM before axe finished "
            "(raise the virtual time budget) or the script did not load"
        )
    data = json.loads(html.unescape(match.group(1)))
    if "error" in data:
        raise AssertionError(f"axe failed in the page: {data['error']}")
    return AxeResults(
        version=data["version"],
        violations=_rules(data["violations"]),
        incomplete=_rules(data["incomplete"]),
    )


def page_with_axe(page_html: str, script_name: str) -> str:
    """A copy of the page that loads axe from `script_name` (beside it) and runs it."""
    scripts = f'<script src="{script_name}"></script>\n<script>{_RUNNER}</script>\n'
    if "</body>" not in page_html:
        raise ValueError("the page has no </body> to put axe before")
    head, tail = page_html.rsplit("</body>", 1)
    return f"{head}{scripts}</body>{tail}"


def run_axe(chromium: str, page_html: str, workdir: Path, axe_script: Path) -> AxeResults:
    """Run axe on `page_html` in headless chromium; `workdir` holds the copy and the profile."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "axe.min.js").write_bytes(axe_script.read_bytes())
    page = workdir / "page-with-axe.html"
    page.write_text(page_with_axe(page_html, "axe.min.js"), encoding="utf-8")
    command = [
        chromium,
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        f"--user-data-dir={workdir / 'profile'}",
        # Virtual time runs on until the page is idle: axe's promise settles before the dump.
        "--virtual-time-budget=60000",
        "--window-size=1280,2400",
        "--dump-dom",
        page.resolve().as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    if done.returncode != 0:
        raise AssertionError(f"chromium failed: {done.stderr[-2000:]}")
    return parse_results(done.stdout)
