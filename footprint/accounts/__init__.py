"""Organisations, their users and factory sites."""
