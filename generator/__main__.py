"""Command line: python -m generator {build,check,extract,new,serve} ..."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

from . import __version__
from .errors import BuildError, Report


def _print_warnings(report: Report) -> None:
    for w in report.warnings:
        print(str(w), file=sys.stderr)


def cmd_build(args: argparse.Namespace) -> int:
    from .build import BuildOptions, build, no_collections
    from .config import load_config

    start = time.perf_counter()
    try:
        config = load_config(args.config, args.content, args.output, args.base_url, args.executor, args.scheduler)
        with no_collections():  # this process builds once and ends
            result = build(config, BuildOptions(drafts=args.drafts, use_cache=not args.no_cache, quiet=args.quiet,
                                                jobs=args.jobs, skip_unchanged=True, allow_shrink=args.allow_shrink,
                                                keep_events=False,
                                                give_way=getattr(args, "ends_with_build", False)))
    except BuildError as exc:
        print(str(exc), file=sys.stderr)
        print("build failed; the previous output was left untouched", file=sys.stderr)
        return 1
    _print_warnings(result.report)
    if not args.quiet:
        s = result.stats
        if result.up_to_date:
            print(f"{result.config.output_dir} is up to date ({result.pages} pages from {result.articles} articles, "
                  f"{result.event_count} events; nothing changed since the last build) "
                  f"in {time.perf_counter() - start:.2f}s")
            if args.timings:
                print("  " + ", ".join(f"{k} {v:.3f}s" for k, v in result.timings.items()))
            return 0
        print(f"built {result.pages} pages from {result.articles} articles ({result.event_count} events) "
              f"into {result.config.output_dir} in {time.perf_counter() - start:.2f}s"
              + (f" [{s.written} written, {s.unchanged} unchanged, {s.removed} removed]" if s else ""))
        if args.timings:
            print("  " + ", ".join(f"{k} {v:.3f}s" for k, v in result.timings.items()))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .build import BuildOptions, build
    from .config import load_config

    try:
        result = build(load_config(args.config, args.content), BuildOptions(drafts=True, write_output=False))
    except BuildError as exc:
        print(str(exc), file=sys.stderr)
        print(f"{len(exc.problems)} error(s)", file=sys.stderr)
        return 1
    _print_warnings(result.report)
    print(f"ok: {result.articles} articles, {len(result.events)} events, {result.pages} pages; "
          f"{len(result.report.warnings)} warning(s)")
    return 0


def _timex_json(t) -> dict:
    return {"start": t.start, "end": t.end, "text": t.text, "type": t.type, "value": t.value}


def _extract_jsonl() -> int:
    """One output line per input line; a bad line gets an error line (and a
    message on stderr) and the rest of the batch still runs."""
    from . import temporal

    failed = False
    for no, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        item_id = None
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise ValueError('expected {"id", "text", "dct": "YYYY-MM-DD"}')
            item_id = item.get("id")
            dct = date.fromisoformat(item["dct"]) if item.get("dct") else None
            out = {"id": item_id, "timexes": [_timex_json(t) for t in temporal.tag(item["text"], dct)]}
        except Exception as exc:  # one bad line never stops the batch
            failed = True
            message = f"{type(exc).__name__}: {exc}" if not isinstance(exc, ValueError) else str(exc)
            print(f"<stdin>:{no}: error: {message}", file=sys.stderr)
            out = {"id": item_id, "error": message}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    return 1 if failed else 0


def cmd_extract(args: argparse.Namespace) -> int:
    if args.jsonl:
        return _extract_jsonl()
    if not args.files:
        print("error: give FILE arguments or --jsonl", file=sys.stderr)
        return 2
    from .analysis.article import analyse
    from .config import ExtractionSettings
    from .content import read_article
    from .model import Article
    from .resources import language_resources

    report = Report()
    resources = language_resources()
    dct = date.fromisoformat(args.dct) if args.dct else None
    for name in args.files:
        path = Path(name)
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{path}: error: {exc}", file=sys.stderr)
            return 1
        try:
            if raw.lstrip().startswith(("---", "+++")):
                article = read_article(path, path.parent, report)
                if dct:
                    article = dataclasses.replace(article, date=dct)
            else:
                article = Article(path.stem, path, path.stem, dct, "", "", (), False, raw)
        except BuildError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        result = analyse(article, resources, ExtractionSettings())
        print(f"== {path}  (document date {article.date or 'unknown'})")
        print("temporal expressions:")
        for t in result.timexes:
            extra = f" mod={t.mod}" if t.mod else ""
            print(f"  {t.start:6}-{t.end:<6} {t.type:8} {t.value or '(unresolved)':14} {t.text!r}{extra}")
        print("event mentions:")
        for m in result.mentions:
            print(f"  [{m.timex.value}] {m.title}")
            print(f"      «{m.timex.text}» in sentence {m.sentence_index}: {m.sentence[:160]}")
    _print_warnings(report)
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from .config import load_config
    from .content import slugify
    from .site.notices import PLACEHOLDER_BODY

    try:
        cfg = load_config(args.config, args.content)
    except BuildError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    when = args.date or date.today().isoformat()
    try:
        when = date.fromisoformat(when).isoformat()
    except ValueError:
        print(f"error: --date {args.date!r} is not YYYY-MM-DD", file=sys.stderr)
        return 2
    folder = cfg.content_dir / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{when}-{slugify(args.title, 60)}.md"
    if path.exists():
        print(f"{path}: error: already exists; not overwritten", file=sys.stderr)
        return 1
    title = args.title.replace("\\", "\\\\").replace('"', '\\"')
    # A draft until the editor says otherwise: the preview shows it, `build` never
    # publishes it, and its placeholder holds no date that could become an event.
    path.write_text(
        f'---\ntitle: "{title}"\ndate: {when}\nsource: ""\nauthor: ""\ntags: []\n'
        f"draft: {str(not args.publish).lower()}\n"
        f"---\n\n{PLACEHOLDER_BODY}",
        encoding="utf-8",
    )
    print(path)
    print("a draft: shown by `python -m generator serve`, never published until you set draft: false", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve  # livereload and tornado are needed only here

    return serve(args)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m generator",
                                description="Build a timeline website from dated news articles.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(sp, output=True):
        sp.add_argument("--config", default="site.toml", help="path to site.toml (default: ./site.toml)")
        sp.add_argument("--content", help="content folder (overrides content_dir in site.toml)")
        if output:
            sp.add_argument("--output", help="output folder (overrides output_dir in site.toml)")
            sp.add_argument("--base-url", help="base URL, e.g. /timeline/ (overrides base_url; env SITE_BASE_URL)")

    b = sub.add_parser("build", help="build the site into the output folder")
    common(b)
    b.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    b.add_argument("--no-cache", action="store_true",
                   help="do not read the per-article cache (a fresh one is still written)")
    b.add_argument("--jobs", type=int, help="worker processes for per-article work (default: all cores)")
    b.add_argument("--executor", choices=("local", "dask"),
                   help="where the per-article analysis runs: local processes or a Dask cluster (overrides executor)")
    b.add_argument("--scheduler", metavar="ADDRESS",
                   help="the Dask scheduler, e.g. tcp://10.0.0.5:8786 (overrides scheduler in site.toml)")
    b.add_argument("--quiet", "-q", action="store_true", help="print only warnings and errors")
    b.add_argument("--timings", action="store_true", help="print the time of each stage")
    b.add_argument("--allow-shrink", action="store_true",
                   help="allow the build to remove more than half of the published pages")
    b.set_defaults(func=cmd_build)

    c = sub.add_parser("check", help="validate site.toml, content and templates; write nothing")
    common(c, output=False)
    c.set_defaults(func=cmd_check)

    e = sub.add_parser("extract", help="show temporal expressions and event mentions found in files")
    e.add_argument("files", nargs="*", metavar="FILE", help="article files (front matter optional)")
    e.add_argument("--dct", help="document creation time YYYY-MM-DD (default: the file's date)")
    e.add_argument("--jsonl", action="store_true",
                   help='batch mode: read {"id","text","dct"} JSON lines on stdin, write {"id","timexes"} lines')
    e.set_defaults(func=cmd_extract)

    s = sub.add_parser("serve", help="live preview: build, serve on 127.0.0.1, rebuild and reload on every change")
    s.add_argument("--config", default="site.toml", help="path to site.toml (default: ./site.toml)")
    s.add_argument("--content", help="content folder (overrides content_dir in site.toml)")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    s.add_argument("--port", type=int, default=5500, help="port (default 5500)")
    s.add_argument("--open", action="store_true", help="open the preview in a web browser")
    s.set_defaults(func=cmd_serve)

    n = sub.add_parser("new", help="write a new article file with front matter filled in")
    n.add_argument("title")
    n.add_argument("--date", help="publication date YYYY-MM-DD (default: today)")
    n.add_argument("--draft", action="store_true", help="mark it as a draft (the default; kept for old scripts)")
    n.add_argument("--publish", action="store_true", help="write draft: false (published by the next build)")
    common(n, output=False)
    n.set_defaults(func=cmd_new)
    return p


def main(argv: list[str] | None = None) -> int:
    """The command line. Without `argv` (the arguments from sys.argv: `python
    -m generator`, the `timeline` script) this is the process's own run,
    which ends with it: a build may then lower its thread's priority beside
    Pagefind (BuildOptions.give_way). A caller that passes `argv` (a test, a
    program) keeps its priority."""
    args = parser().parse_args(argv)
    args.ends_with_build = argv is None
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one line and where to report it, the traceback only on request
        if os.environ.get("GENERATOR_TRACEBACK"):
            raise
        print(f"error: internal error: {type(exc).__name__}: {exc}\n    hint: this is a bug in the generator; "
              "run again with GENERATOR_TRACEBACK=1 and report the traceback", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
