"""tests/cpu_report.py, the tool that says where a test run's CPU goes: a real pytest run
with the plugin logs one line per test, and the report adds them up per module."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.cpu_report import main, report
from tests.testkit import REPO

MODULE = "tests/test_spreadsheet.py"       # small, fast, no processes of its own


def test_a_real_run_is_logged_per_test_and_reported_per_module(tmp_path, capsys):
    log = tmp_path / "cpu.jsonl"
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.cpu_report",
                          f"--cpu-log={log}", MODULE], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    passed = int(run.stdout.split(" passed")[0].split()[-1])
    assert len(rows) == passed > 0
    assert all(row["test"].startswith(MODULE + "::") and row["wall"] > 0 and row["cpu"] >= 0 for row in rows)
    assert sum(row["cpu"] for row in rows) > 0
    assert main([str(log)]) == 0
    table = capsys.readouterr().out
    assert f"{passed:5d}  {MODULE}" in table, table
    assert f"CPU-seconds in {passed} tests" in table


def test_the_report_groups_the_corpus_by_exercise():
    line = {"wall": 2.0, "cpu": 1.0, "busy_ticks": 150, "all_ticks": 400}
    lines = [json.dumps({**line, "test": f"tests/test_corpus.py::test_corpus_answer[{name}]"})
             for name in ("bounded_queue/good_a.py", "bounded_queue/bad_b.py", "safe_counter/good_c.py")]
    table = report(lines)
    assert "    2  tests/test_corpus.py bounded_queue" in table
    assert "    1  tests/test_corpus.py safe_counter" in table
    assert "38%     2  tests/test_corpus.py bounded_queue" in table      # 300 busy of 800 ticks


def test_an_empty_log_is_an_error_that_names_the_file(tmp_path, capsys):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert main([str(empty)]) == 1
    assert f"{empty}: the log has no test in it" in capsys.readouterr().err
