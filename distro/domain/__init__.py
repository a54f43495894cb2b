"""The domain: tables, services and rules, usable without any user interface."""
