"""Connexion's own mock mode (`connexion run --mock all`) as a peer, served by uvicorn without its reloader.

`connexion run` serves through uvicorn's reloader (a parent watching files, the server in a child), which
would put a second process's memory and wake-ups into the figures; this is the same app — AsyncApp, the
MockResolver answering every operation with its examples — on one process. Run as
`python bench/connexion_mock.py DOCUMENT PORT`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn
from connexion import AsyncApp
from connexion.mock import MockResolver

if __name__ == "__main__":
    app = AsyncApp(__name__)
    app.add_api(Path(sys.argv[1]).resolve(), resolver=MockResolver(mock_all=True))  # not relative to bench/
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
