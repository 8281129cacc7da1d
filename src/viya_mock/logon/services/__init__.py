"""SAS Logon use cases: grants, signed tokens and the accounts they are issued to."""
