"""Screens for coordinators and admins: the audit log."""
