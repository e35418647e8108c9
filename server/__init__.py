"""Aftercare server: the Flask API, the ERP core and printing."""

__version__ = "0.1.0"
