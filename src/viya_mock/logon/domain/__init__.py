"""Users, OAuth clients, authorization codes and the OAuth2 rules about them (stdlib only)."""
