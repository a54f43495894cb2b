"""Commands for running a database: `distro info`, `distro db`, `distro settings` and
`distro audit`."""
