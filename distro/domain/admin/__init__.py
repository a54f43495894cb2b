"""Running a database: settings every counter shares, `distro db check` and backups."""
