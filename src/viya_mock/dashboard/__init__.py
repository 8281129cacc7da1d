"""The dashboard at `/__admin/dashboard/`: static files that watch and drive the mock through the admin API."""
