"""Compute use cases: contexts, sessions, jobs and their output."""
