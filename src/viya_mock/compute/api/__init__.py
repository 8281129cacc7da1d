"""HTTP for Compute: handlers and representations."""
