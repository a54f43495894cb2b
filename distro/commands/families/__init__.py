"""The families commands: `distro scan`, `distro card`, `distro families ...` with the
retention review, and the families imports and exports."""
