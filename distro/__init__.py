"""distro: the distribution counter of an NGO serving refugees and asylum seekers."""

__version__ = "0.1.0"
