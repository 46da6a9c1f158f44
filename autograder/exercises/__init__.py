"""One module per graded exercise: ``load(module)`` picks the class the contract names, and
``SUITES`` maps a test cell's suite name to its ``(property check, points)`` pairs; each check
takes the class and returns a PropertyResult. A suite's points add up to the points of the
test cell that runs it (tests/test_exercise_points.py checks this against the notebooks)."""
