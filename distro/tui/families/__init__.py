"""The Families area: search as you type, a family's screen, its forms, history and merge."""
