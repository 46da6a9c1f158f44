"""One module per graded exercise: ``load(module)`` picks the class the contract names, and
``SUITES`` maps a test cell's suite name to its property checks (each returns a PropertyResult)."""
