"""Where the gazetteer's own data files are (``gazetteer/data/``, package data), found through
``importlib.resources`` so they resolve in a wheel as in a checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def data_path(name: str = "") -> Path:
    """The path of ``gazetteer/data/<name>`` (the folder itself for an empty name)."""
    folder = Path(str(resources.files("gazetteer") / "data"))
    return folder / name if name else folder
