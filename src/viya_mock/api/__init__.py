"""The HTTP layer: Connexion handlers that parse, call one service method, and render."""
