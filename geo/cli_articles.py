"""The article inputs shared by the commands that read articles (``events``, ``export``,
``layers``): paths (default: the bundled seeds), a metadata manifest and an input encoding."""

from __future__ import annotations

import argparse
import sys

from gazetteer.errors import InputError


def add_article_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or folders (default: seeds/)")
    parser.add_argument("--manifest", help="CSV with file,title,source,date,url columns")
    parser.add_argument("--encoding", help="input encoding (default UTF-8)")


def input_articles(args: argparse.Namespace) -> tuple[list, list]:
    """(articles, errors) from ``args``; each unreadable input is reported on stderr and
    skipped. Raises InputError when no input is readable."""
    from .articles import bundled_seeds, read_articles

    if args.paths:
        articles, errors = read_articles(args.paths, manifest=args.manifest,
                                         encoding=args.encoding)
    else:
        articles, errors = bundled_seeds(), []
    for path, message in errors:
        print(f"conflictmap: skipped {path}: {message}", file=sys.stderr)
    if not articles:
        raise InputError("no readable article among the inputs")
    return articles, errors
