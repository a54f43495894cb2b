"""`distro bench`: how fast and how big the app is on a large synthetic registry.

`run` builds each size's database and gathers the figures, `figures` holds them with their
goals, `child` and `driver` time the real app in a child process, and `access`, `stock`,
`handouts` (with `ledger` and `handout_history` to fill the database) time the services. The
benchmark reaches the database through the domain and starts the app through
`distro.launch`, exactly as `distro` does, never through the command line's own module.
"""
