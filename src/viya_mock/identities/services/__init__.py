"""SAS Identities use cases."""
