"""SAS Identities: who the caller is, and the users the mock knows."""
