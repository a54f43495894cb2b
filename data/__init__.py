"""Reference data shipped with distro (districts, and later the catalogue and rules)."""
