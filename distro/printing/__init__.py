"""Slip and card layouts rendered to PDF and text; never writes the database."""
