"""What other services know of a job definition: the URI that names one."""

from __future__ import annotations

DEFINITION_URI_PREFIX = "/jobDefinitions/definitions/"
