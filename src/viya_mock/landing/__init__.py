"""The landing page at `/`: what the mock serves, for a browser (HTML) or a script (JSON)."""
