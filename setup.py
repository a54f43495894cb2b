"""Puts the top-level data/ folder, where a coordinator finds it, into the wheel as the package
distro.data. Everything else is in pyproject.toml, whose declarative form cannot add a mapped
package to the ones it finds."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["distro*"]), "distro.data"],
    package_dir={"distro.data": "data"},
)
