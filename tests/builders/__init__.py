"""Builders shared by more than one test folder: families, stock, distribution (a stocked
round), databases, the command line (users per role, `run_cli`), processes and the fixed clock.

Fixtures that wrap them live in the nearest conftest.py their users share."""
