"""The Compute service (`/compute`): contexts, SAS sessions and the jobs that run code in them."""
