"""Banpum (반품): returns management for online sellers."""

__version__ = "0.1.0"
