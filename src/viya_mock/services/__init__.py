"""Use cases, one method per API operation; dependencies are passed in by the container."""
