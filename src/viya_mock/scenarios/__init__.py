"""Scenarios: YAML files that script what the provider does to matching jobs, and which requests fail."""
