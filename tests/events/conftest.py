"""Fixtures of the event tests."""

from __future__ import annotations

import pytest

from geo.actors import load_actors


@pytest.fixture(scope="session")
def actors():
    """The actor dictionary (loaded once)."""
    return load_actors()
