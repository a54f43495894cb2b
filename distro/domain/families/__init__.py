"""The families registry: households and members, search, duplicates, merging, import and export."""
