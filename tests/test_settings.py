"""One settings mechanism: every knob a traitlets option read from the course's
nbgrader_config.py, carried to the checks job that uses it."""
from __future__ import annotations

from autograder.checks.searches import Dpor, Pct
from autograder.checks.settings import Checks, use
from autograder.instructor.settings import Grading, course_config
from autograder.sandbox.checker import check_answer
from tests.testkit import REPO

CORRECT_COUNTER = (REPO / "tests" / "corpus" / "safe_counter" / "good_rlock.py").read_text()


def test_a_course_sets_grading_and_check_knobs_in_its_nbgrader_config(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.Grading.submission_deadline = 123\n"
        "c.Grading.jobs = 3\n"
        "c.Checks.seed = 5\n"
        "c.Checks.start_methods = ['spawn']\n")
    config = course_config(tmp_path)
    assert Grading(config=config).submission_deadline == 123 and Grading(config=config).job_count() == 3
    checks = Checks(config=config)
    assert checks.seed == 5 and checks.start_methods == ["spawn"]
    assert Grading(config=course_config(tmp_path / "no-course")).submission_deadline == 300   # the default


def test_the_course_seed_moves_every_sampled_search_and_no_exhaustive_one():
    assert Pct(7, 300).drawn_seed() == 7
    with use(Checks(seed=3)):
        assert Pct(7, 300).drawn_seed() == 10
        assert Dpor().drawn_seed() == 0            # draws nothing at random


def test_the_checks_job_runs_with_the_settings_the_grader_sends():
    report = check_answer("safe_counter", "visible", CORRECT_COUNTER, settings=Checks(start_methods=["spawn"]))
    real = next(r for r in report.results if r.id == "not_shared")
    assert report.passed and "real processes under spawn" in real.message, report.render()
    default = check_answer("safe_counter", "visible", CORRECT_COUNTER)
    assert "under fork, spawn, forkserver" in next(r for r in default.results if r.id == "not_shared").message


def test_configurations_that_name_the_old_trusted_module_still_find_the_preprocessors():
    from traitlets.utils.importstring import import_item

    from autograder.instructor import preprocessors
    for name in ("SandboxedExecute", "TrustedScores"):
        assert import_item(f"autograder.instructor.trusted.{name}") is getattr(preprocessors, name)
