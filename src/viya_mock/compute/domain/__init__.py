"""Compute rules: sessions and jobs as timelines folded at the instant they are read."""
