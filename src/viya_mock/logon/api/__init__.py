"""SAS Logon over HTTP: the token and authorize endpoints and the published signing key."""
