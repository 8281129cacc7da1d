"""Connexion's validation of a document is skipped only inside `checked_already`, and only in its thread."""

from __future__ import annotations

import threading

import pytest
from connexion.exceptions import InvalidSpecification
from connexion.spec import Specification

from viya_mock import documents

BROKEN = {"openapi": "3.0.3", "info": {"title": "x"}, "paths": {"/a": {"get": {"responses": "no"}}}}


def _load() -> None:
    Specification.load(dict(BROKEN))


def test_a_broken_document_is_refused_outside_the_block() -> None:
    with pytest.raises(InvalidSpecification):
        _load()


def test_inside_the_block_only_this_thread_skips_the_check() -> None:
    refused: list[bool] = []

    def elsewhere() -> None:
        try:
            _load()
        except InvalidSpecification:
            refused.append(True)

    with documents.checked_already():
        _load()
        other = threading.Thread(target=elsewhere)
        other.start()
        other.join()
    assert refused == [True]
    with pytest.raises(InvalidSpecification):
        _load()
