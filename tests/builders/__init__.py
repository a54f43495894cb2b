"""Builders shared by more than one test folder: families, stock, databases, the fixed clock.

Fixtures that wrap them live in the nearest conftest.py their users share."""
