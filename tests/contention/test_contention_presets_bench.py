"""Presets and the ``python -m course.contention.bench`` entry point."""
from __future__ import annotations

import multiprocessing

import pytest

from course.contention import PRESETS, default_preset_name, get_preset
from course.contention.bench import main



def test_presets():
    assert {"tiny", "notebook", "full"} <= set(PRESETS)
    assert max(PRESETS["full"].processes) >= 8
    assert max(PRESETS["notebook"].processes) >= 8
    assert get_preset("tiny", repeats=1).repeats == 1
    assert PRESETS["tiny"].repeats != 1  # the original is unchanged
    with pytest.raises(ValueError):
        get_preset("huge")


def test_default_preset_follows_nbgrader(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert default_preset_name() == "notebook" and get_preset().name == "notebook"
    monkeypatch.delenv("NBGRADER_EXECUTION")
    assert default_preset_name() == "full"


def test_start_method_from_environment(monkeypatch):
    from course.contention import get_context

    monkeypatch.setenv("COURSE_START_METHOD", "spawn")
    assert get_context().get_start_method() == "spawn"
    assert get_context("fork").get_start_method() == "fork"
    monkeypatch.delenv("COURSE_START_METHOD")
    assert get_context().get_start_method() == multiprocessing.get_start_method()


def test_bench_cli_writes_results(tmp_path, capsys):
    assert main(["--preset", "tiny", "--out", str(tmp_path), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "ns/op @1" in out and "plausibility" in out
    for name in ("results.csv", "workers.csv", "summary.csv", "meta.json", "captions.md",
                 "throughput.png", "usl.png", "queues.png"):
        assert (tmp_path / name).stat().st_size > 0, name
    assert multiprocessing.active_children() == []
