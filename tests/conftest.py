"""Shared fixtures. The full gazetteer index is built once per machine into the user cache
(about 30 s the first time) and shared by every test marked ``slow``."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def gaz():
    from gazetteer import Gazetteer

    return Gazetteer()


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    return {p.name: p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="module")
def browser():
    """Headless Debian chromium through Playwright (``tests/browser_util.launch``)."""
    from browser_util import launch
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch(pw)
        yield b
        b.close()
