"""Screenshots for the README: the exported seed map, a map of another theatre (a sample
article about the Russia-Ukraine war), and the dashboard, with the control layers.

    python tests/bench/screenshots.py [--out tests/screenshots] [--width 1400 --height 900]

Exports the bundled seeds (and the sample) with ``conflictmap export`` and opens the page in
Debian chromium (Playwright, headless, every request that is not to 127.0.0.1 refused), then
runs the dashboard (``streamlit run app.py`` on 127.0.0.1, a free port) and opens it the same
way. Saves ``export.png``, ``export-ukraine.png`` and ``dashboard.png`` (each written to a
temporary file and renamed into
place). The first run may build the gazetteer index (minutes).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browser_util import AppDidNotStart, Watch, launch, serve, streamlit_app  # noqa: E402

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def _save(page, target: Path, **kwargs) -> Path:
    """A screenshot written atomically to ``target``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".png", dir=target.parent)
    os.close(fd)
    try:
        page.screenshot(path=tmp, **kwargs)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


#: an article written for the screenshot of another theatre (not real reporting): places and
#: actors of the Russia-Ukraine war, so the page shows the Ukraine theatre's layers
UKRAINE_SAMPLE = """Title: Sample report: fighting around Bakhmut (written for the screenshot)
Date: 2023-03-15

Russian forces captured Soledar on 12 January 2023, the Russian Defence Ministry said.
Russian forces captured the village of Krasna Hora north of Bakhmut on 10 March 2023.
Ukrainian troops held Chasiv Yar on 14 March 2023, the General Staff said.
Russian shelling killed two civilians in Kramatorsk on 13 March 2023.
Ukrainian troops repelled attacks near Avdiivka on 14 March 2023.
"""


def export_shot(browser, out: Path, size: tuple[int, int], articles: list[str] | None = None,
                name: str = "export.png") -> Path:
    from geo.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "page.html"
        paths = []
        for k, text in enumerate(articles or []):
            paths.append(Path(tmp) / f"article{k}.txt")
            paths[-1].write_text(text, encoding="utf-8")
        if main(["export", *map(str, paths), "--out", str(html)]) != 0:
            raise SystemExit("conflictmap export failed")
        page = browser.new_page(viewport={"width": size[0], "height": size[1]})
        watch = Watch(page)
        with serve(Path(tmp)) as base:
            page.goto(base + html.name)
            page.wait_for_function("() => window.conflictmap && window.conflictmap.maps.length"
                                   " && window.conflictmap.maps[0].control")
            page.wait_for_timeout(800)
            path = _save(page, out / name)
        page.close()
    if watch.errors or watch.refused:
        raise SystemExit(f"export page: errors {watch.errors}, refused {watch.refused}")
    return path


def dashboard_shot(browser, out: Path, size: tuple[int, int]) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        try:
            with streamlit_app(Path(tmp) / "streamlit.log", timeout_s=120) as url:
                page = browser.new_page(viewport={"width": size[0], "height": size[1]})
                watch = Watch(page)
                page.goto(url)
                frame = page.frame_locator(MAP_FRAME)
                frame.locator("path.cm-area").first.wait_for(timeout=600_000)
                frame.locator(".leaflet-marker-pane .cm-event").first.wait_for(timeout=60_000)
                page.wait_for_timeout(1500)
                page.locator(MAP_FRAME).scroll_into_view_if_needed()
                page.mouse.wheel(0, 120)
                page.wait_for_timeout(800)
                path = _save(page, out / "dashboard.png")
                page.close()
        except AppDidNotStart as exc:
            raise SystemExit(str(exc)) from None
    if watch.errors or watch.refused:
        raise SystemExit(f"dashboard: errors {watch.errors}, refused {watch.refused}")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "tests" / "screenshots"))
    ap.add_argument("--width", type=int, default=1400)
    ap.add_argument("--height", type=int, default=900)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            size = (args.width, args.height)
            print(export_shot(browser, out, size))
            print(export_shot(browser, out, size, [UKRAINE_SAMPLE], "export-ukraine.png"))
            print(dashboard_shot(browser, out, size))
        finally:
            browser.close()


if __name__ == "__main__":
    main()
