"""The people who work at the counters: their accounts, roles and PINs."""
