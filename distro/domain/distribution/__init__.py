"""The distribution counter: rounds, basket rules, entitlements, handouts and their slips."""
