"""Lets `python -m distro` behave like the `distro` command."""

from distro.cli import main

if __name__ == "__main__":
    main()
