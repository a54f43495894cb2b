"""Modal dialogs: forms that validate before returning, and confirmations."""
