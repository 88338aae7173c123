"""The web map's JavaScript and CSS: Leaflet only, from the local installation.

Leaflet's ``dist`` files (leaflet.js, leaflet.css, images/) come from the PyPI package
``xstatic-leaflet`` (BSD-2-Clause, like Leaflet), so a fresh ``pip install`` has them and
nothing is fetched at run time. The map's own script and style live in ``geo/web/static/``.

* :func:`asset_paths` — relative dist path → local file, for a server (the dashboard) to serve.
* :func:`cdn_urls` — the same files on the jsDelivr CDN, pinned to the installed version
  (the "CDN version" of an exported page).
* :func:`data_urls` — ``data:`` URLs of leaflet.js and leaflet.css (images inlined), for
  pages that must load with no server and no network.
* :func:`inline_assets` — rewrites a rendered page's ``<script src>``/``<link>`` tags of these
  files into inline ``<script>``/``<style>`` blocks.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import xstatic.pkg.leaflet as leaflet_pkg

from geo.errors import DataError

STATIC = resources.files("geo.web").joinpath("static")
CDN = "https://cdn.jsdelivr.net/npm/leaflet@{version}/dist/"
SCRIPT, STYLE = "leaflet.js", "leaflet.css"
_CSS_URL = re.compile(r"url\((['\"]?)(images/[\w.-]+\.png)\1\)")
_CLOSE_SCRIPT = re.compile(r"<(/script|!--)", re.IGNORECASE)
_REMOTE_REF = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?"
                         r"(?:https?:)?//", re.IGNORECASE)


def leaflet_version() -> str:
    """Version of the installed Leaflet files (e.g. ``1.9.3``)."""
    return leaflet_pkg.VERSION


def cdn_base() -> str:
    """URL of Leaflet's ``dist/`` folder on the CDN, for the installed version."""
    return CDN.format(version=leaflet_version())


@lru_cache(maxsize=1)
def asset_paths() -> dict[str, Path]:
    """Leaflet's dist files: relative path (``leaflet.js``, ``leaflet.css``,
    ``images/layers.png`` …) → local file. The URL of each on the CDN is
    ``cdn_base() + key``."""
    base = Path(leaflet_pkg.BASE_DIR)
    files = {SCRIPT: base / SCRIPT, STYLE: base / STYLE}
    files |= {f"images/{p.name}": p for p in sorted((base / "images").glob("*.png"))}
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        raise DataError(f"Leaflet files missing: {', '.join(missing)}")
    return files


def cdn_urls() -> dict[str, str]:
    """``leaflet.js`` and ``leaflet.css`` → their CDN URLs."""
    return {name: cdn_base() + name for name in (SCRIPT, STYLE)}


@lru_cache(maxsize=1)
def inline_css() -> str:
    """leaflet.css with its images as ``data:`` URLs."""
    paths = asset_paths()

    def data_url(m: re.Match) -> str:
        raw = paths[m.group(2)].read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(raw).decode('ascii')})"

    return _CSS_URL.sub(data_url, paths[STYLE].read_text("utf-8"))


@lru_cache(maxsize=1)
def inline_js() -> str:
    """leaflet.js, its source map comment removed."""
    text = asset_paths()[SCRIPT].read_text("utf-8")
    return re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", text)


def data_urls() -> dict[str, str]:
    """``leaflet.js`` and ``leaflet.css`` → ``data:`` URLs (base64), usable as a page's
    script and stylesheet sources with no server at all."""
    def enc(text: str) -> str:
        return base64.b64encode(text.encode("utf-8")).decode("ascii")

    return {SCRIPT: f"data:text/javascript;base64,{enc(inline_js())}",
            STYLE: f"data:text/css;base64,{enc(inline_css())}"}


def own_asset(name: str) -> str:
    """Text of one of the map's own files in ``geo/web/static/`` (``conflictmap.js`` …)."""
    return (STATIC / name).read_text("utf-8")


def script_block(code: str) -> str:
    """``code`` in a ``<script>`` element; ``</script`` and ``<!--`` in it are broken up
    (``<\\/script``, ``<\\!--``: the same characters inside a JavaScript string) so that nothing
    in it can end the element early."""
    return "<script>" + _CLOSE_SCRIPT.sub(r"<\\\1", code) + "</script>"


def inline_assets(page: str, urls: dict[str, str]) -> str:
    """``page`` with the ``<script src>`` of ``urls['leaflet.js']`` and the
    ``<link rel="stylesheet">`` of ``urls['leaflet.css']`` replaced by the files' content.
    Raises DataError if the page still references a remote script, stylesheet, image or
    frame afterwards (a plugin added a CDN link this module does not know)."""
    page = page.replace(f'<script src="{urls[SCRIPT]}"></script>', script_block(inline_js()))
    page = page.replace(f'<link rel="stylesheet" href="{urls[STYLE]}"/>',
                        "<style>" + inline_css().replace("</", "<\\/") + "</style>")
    if m := _REMOTE_REF.search(page):
        raise DataError(f"page still loads a remote resource: {m.group(0)[:120]}")
    return page
