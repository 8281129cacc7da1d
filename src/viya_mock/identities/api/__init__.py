"""SAS Identities over HTTP."""
