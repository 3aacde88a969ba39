"""Cross-package tests: run by ``nox -s tests_all`` with every package and the example plugin installed."""
