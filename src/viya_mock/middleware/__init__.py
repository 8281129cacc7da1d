"""ASGI middleware around the mocked APIs: the request journal and scripted faults."""

ADMIN_PREFIX = "/__admin"
