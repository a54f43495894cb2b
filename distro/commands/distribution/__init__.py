"""The distribution counter's commands: `distro handouts|handout`, `distro rounds`, `distro rules`,
`distro slip|slips`, and its imports and exports (basket rules, handout lines)."""
