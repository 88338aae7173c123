"""The command line's view of a gazetteer index build (``gazetteer.index.PROGRESS``): a bar
redrawn in place on a terminal, one line per stage otherwise (a log or a pipe), on stderr."""

from __future__ import annotations

import logging
import sys

from gazetteer.index import PROGRESS

BAR = 30                      # characters


class ProgressBar(logging.Handler):
    """Shows the build's records: ``[######        ] 45% reading geonames (120,000 places)``
    redrawn on a terminal; on anything else a line when the stage changes."""

    def __init__(self, stream=None):
        super().__init__(logging.INFO)
        self.stream = stream                # None: sys.stderr at the time of each record
        self.last_stage = ""

    def emit(self, record: logging.LogRecord) -> None:
        out = self.stream if self.stream is not None else sys.stderr
        try:
            stage = str(getattr(record, "stage", ""))
            fraction = float(getattr(record, "fraction", 0.0))
            done = fraction >= 1.0
            if out.isatty():
                filled = round(BAR * fraction)
                out.write(f"\rconflictmap: place index [{'#' * filled}"
                                  f"{' ' * (BAR - filled)}] {fraction:4.0%} {stage[:60]:<60}"
                                  + ("\n" if done else ""))
            else:
                head = stage.split(" (")[0]
                if head == self.last_stage and not done:
                    return
                self.last_stage = head
                out.write(f"conflictmap: building the place index (first run only): "
                                  f"{fraction:.0%} {stage}\n")
            out.flush()
        except (OSError, ValueError):       # a closed stream: the build goes on
            pass


def show_build_progress(stream=None) -> ProgressBar:
    """Attach a :class:`ProgressBar` to the gazetteer's build progress (once)."""
    for handler in PROGRESS.handlers:
        if isinstance(handler, ProgressBar):
            return handler
    handler = ProgressBar(stream)
    PROGRESS.addHandler(handler)
    PROGRESS.setLevel(logging.INFO)
    PROGRESS.propagate = False
    return handler
