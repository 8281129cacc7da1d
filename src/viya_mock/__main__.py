"""Allow `python -m viya_mock`."""

from viya_mock.cli import main

raise SystemExit(main())
