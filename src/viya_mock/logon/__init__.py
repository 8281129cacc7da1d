"""SAS Logon: the OAuth2 authorization server (UAA-based) every client gets its tokens from."""
