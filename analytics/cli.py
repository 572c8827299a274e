"""`python -m analytics ...`: validate inputs, print results, build the demo.

Exit codes: 0 success, 2 invalid input (messages on stderr), 1 unexpected
failure. Never a traceback unless --debug is given."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from analytics.inputs.errors import InputError
from analytics.metrics.engine import DEFAULT_MIN_VOTES, DEFAULT_TOP, Options
from analytics.metrics.segment import Segment

EXIT_INVALID = 2


class UsageError(Exception):
    """A bad argument value (the input itself may be fine)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analytics",
                                     description="Consultation results analytics.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check an input against the data contract")
    validate.add_argument("path", type=Path)

    results = commands.add_parser("results", help="print the results of an input")
    results.add_argument("path", type=_input_path,
                         help="an input; with --engine spark also a URI such as "
                              "s3a://bucket/consultation")
    results.add_argument("--format", choices=("json", "makeorg"), default="json")
    results.add_argument("--min-votes", type=_count, default=DEFAULT_MIN_VOTES,
                         help="votes a proposal needs to enter the controversial and rejected "
                              f"lists (default {DEFAULT_MIN_VOTES})")
    results.add_argument("--top", type=_positive_int, default=DEFAULT_TOP,
                         help=f"length of those lists (default {DEFAULT_TOP})")
    results.add_argument("--segment", default=None,
                         help="restrict to participants, e.g. gender=female,age_band=16-24")
    results.add_argument("--no-proposals", action="store_true",
                         help="leave the (long) list of every proposal out")
    results.add_argument("--ideas", choices=("auto", "given", "found", "none"), default="auto",
                         help="which big ideas to rank: the input's own (given), ideas found "
                              "in the proposals' texts (found), or none; default auto: the "
                              "input's own when it has them, else found")
    results.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb",
                         help="where the aggregations run: duckdb (default, embedded) or "
                              "spark (vote-level bundles; needs the [spark] extra)")
    results.add_argument("--spark-master", default=None,
                         help="Spark master URL with --engine spark, e.g. spark://host:7077 "
                              "or yarn (default $SPARK_MASTER, else local[*])")

    ideas = commands.add_parser("ideas", help="find big ideas in the proposals' texts "
                                              "(inputs without an ideas table)")
    ideas.add_argument("path", type=Path)
    ideas.add_argument("--format", choices=("json",), default="json")
    ideas.add_argument("--ideas", type=_positive_int, default=None, metavar="N",
                       help="how many ideas to find (default: chosen from the texts)")
    ideas.add_argument("--out", type=Path, default=None, metavar="DIR",
                       help="also write ideas.csv and proposal_ideas.csv (the ideas table "
                            "and the proposals' idea_id a vote-level bundle takes) in DIR")

    groups = commands.add_parser("groups", help="print the opinion groups (Polis's own when "
                                                "a Polis export carries them)")
    groups.add_argument("path", type=Path)
    groups.add_argument("--format", choices=("json",), default="json")
    groups.add_argument("--recompute", action="store_true",
                        help="compute the groups with Polis's method even when the export "
                             "carries Polis's own, and add how well they agree")
    groups.add_argument("--segment", default=None,
                        help="restrict to participants, e.g. gender=female,age_band=16-24 "
                             "(groups on a segment are always computed)")

    report = commands.add_parser("report", help="write the full report as one HTML file "
                                                "that opens offline")
    report.add_argument("path", type=Path)
    report.add_argument("--out", type=Path, required=True, help="the .html file to write")
    report.add_argument("--lang", choices=("fr", "en"), default="fr")
    report.add_argument("--segment", default=None,
                        help="restrict to participants, e.g. gender=female,age_band=16-24")
    report.add_argument("--no-groups", action="store_true",
                        help="leave the opinion groups out (they take a few seconds)")

    bench = commands.add_parser("bench", help="time the engine on a synthetic bundle of N "
                                              "votes (built under .bench/, then reused)")
    bench.add_argument("--votes", type=int, default=None,
                       help="votes of the synthetic bundle (required unless --ideas or "
                            "--groups)")
    bench.add_argument("--dir", type=Path, default=None, help="bench folder (default .bench)")
    bench.add_argument("--steps", default=None,
                       help="comma-separated steps (default: all; above 30M votes the steps "
                            "that hold every vote in memory are left out)")
    bench.add_argument("--pages", default=None,
                       help="comma-separated pages to time in Chromium (default: every page "
                            "up to 30M votes); 'none' for no page")
    bench.add_argument("--ideas", action="store_true",
                       help="bench the ideas found in the texts instead (quality against "
                            "the demo's real ideas, share in an idea, time, memory) on the "
                            "demo, the Make.org export and the Polis conversations")
    bench.add_argument("--ideas-scale", type=_positive_int, default=None, metavar="N",
                       help="with --ideas, also time N synthetic proposals")
    bench.add_argument("--show", type=int, default=10, metavar="N",
                       help="with --ideas, print the N largest ideas of the export with "
                            "examples (default 10; 0: none)")
    bench.add_argument("--no-baseline", action="store_true",
                       help="with --ideas, leave out the TF-IDF + k-means baseline")
    bench.add_argument("--json", action="store_true",
                       help="with --ideas or --groups, print the figures as JSON instead of "
                            "a table")
    bench.add_argument("--groups", action="store_true",
                       help="bench the opinion groups instead: Polis's method against the "
                            "groups Polis exported (k, adjusted Rand index, time) on the "
                            "Polis conversations")

    demo = commands.add_parser("demo", help="generate the demo consultation bundle")
    demo.add_argument("--out", type=Path, default=None,
                      help="output folder (default data/consultations/solutions-jeunes)")
    demo.add_argument("--votes", type=int)
    demo.add_argument("--participants", type=int)
    demo.add_argument("--proposals", type=int)
    demo.add_argument("--seed", type=int, default=2022)
    demo.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except InputError as error:
        print(error.report(), file=sys.stderr)
        return EXIT_INVALID
    except (UsageError, OSError) as error:
        if args.debug:
            raise
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    except Exception as error:  # noqa: BLE001 - the CLI never shows a traceback
        if args.debug:
            raise
        print(f"unexpected error ({type(error).__name__}): {error}", file=sys.stderr)
        return 1


def _validate(args) -> int:
    from analytics.consultations.open import open_source

    source = open_source(args.path, materialize=False)
    for warning in source.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"{args.path}: valid {source.kind} ({source.title})")
    return 0


def _results(args) -> int:
    from analytics.consultations.open import open_source
    from analytics.present.export import results_json

    segment = _segment(args)
    options = Options(min_votes=args.min_votes, top=args.top, segment=segment,
                      ideas=args.ideas)
    if args.engine == "spark":
        source = _open_spark(args)
    elif args.spark_master or isinstance(args.path, str):
        raise UsageError("--spark-master and URIs need --engine spark")
    else:
        source = open_source(args.path, materialize=False)
    if args.ideas == "found" or (args.ideas == "auto" and not source.has_given_ideas):
        # Found now (then kept by the source), so that the progress shows.
        found = _with_progress(source.found_ideas)
        if found is None and args.ideas == "found":
            raise UsageError(_no_texts(source))
    results = source.results(options)
    if args.no_proposals:
        results.pop("proposals", None)
    sys.stdout.write(results_json(results, args.format) + "\n")
    return 0


def _ideas(args) -> int:
    from analytics.consultations.open import open_source

    source = open_source(args.path, materialize=False)
    idea_set = _with_progress(source.found_ideas, n_ideas=args.ideas)
    if idea_set is None:
        raise UsageError(_no_texts(source))
    if args.out is not None:
        ideas_csv, links_csv = idea_set.to_csv()
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "ideas.csv").write_bytes(ideas_csv)
        (args.out / "proposal_ideas.csv").write_bytes(links_csv)
        print(f"wrote {args.out / 'ideas.csv'} and {args.out / 'proposal_ideas.csv'}",
              file=sys.stderr)
    json.dump(idea_set.to_json(), sys.stdout, ensure_ascii=False, indent=2, allow_nan=False)
    sys.stdout.write("\n")
    return 0


def _segment(args) -> Segment:
    """The --segment option, a usage error when it does not parse."""
    try:
        return Segment.parse(args.segment)
    except ValueError as error:
        raise UsageError(error) from None


def _groups(args) -> int:
    from analytics.consultations.open import open_source
    from analytics.metrics import groups

    segment = _segment(args)
    source = open_source(args.path)
    if "votes" not in source.capabilities:
        raise UsageError(f"{args.path.name} is a {source.kind} input without each "
                         f"participant's votes: opinion groups need a vote-level bundle or a "
                         f"Polis export")
    for warning in source.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    options = groups.GroupOptions(segment=segment, recompute=args.recompute)
    json.dump(groups.opinion_groups(source, options), sys.stdout, ensure_ascii=False,
              indent=2, allow_nan=False)
    sys.stdout.write("\n")
    return 0


def _no_texts(source) -> str:
    return (f"{source.path.name} is a {source.kind} input without the proposals' texts, so "
            f"ideas cannot be found in them (a vote-level bundle, a Polis export or a "
            f"proposal-level export has them)")


def _with_progress(compute, **kwargs):
    """compute(progress, **kwargs) with the progress on stderr, ended by a line break."""
    shown = []

    def progress(fraction: float, message: str) -> None:
        shown.append(True)
        _print_progress(fraction, message)

    try:
        return compute(progress, **kwargs)
    finally:
        if shown:
            print(file=sys.stderr, flush=True)


def _whole_number(text: str, low: int, words: str) -> int:
    # Digits only: int() also takes "1_0" and " +5 ", and past 4,300 digits raises.
    if not re.fullmatch(r"[0-9]{1,12}", text.strip()) or int(text) < low:
        raise argparse.ArgumentTypeError(f"expected {words}, found {text[:40]!r}")
    return int(text)


def _positive_int(text: str) -> int:
    return _whole_number(text, 1, "a whole number above 0")


def _count(text: str) -> int:
    return _whole_number(text, 0, "a whole number, 0 or more")


def _input_path(text: str) -> Path | str:
    """A local path, or a URI (scheme://...) kept as text for Spark."""
    from analytics.spark import is_uri

    return text if is_uri(text) else Path(text)


def _open_spark(args):
    from analytics import spark

    try:
        spark.require(args.spark_master)
    except spark.SparkUnavailable as error:
        raise UsageError(error) from None
    return spark.open_spark(args.path, spark.session(args.spark_master), cache=False)


def _report(args) -> int:
    from analytics.consultations.open import open_source
    from analytics.present.report import build_report

    segment = _segment(args)
    source = open_source(args.path)
    document = build_report(source, args.lang, Options(segment=segment),
                            groups=not args.no_groups)
    args.out.write_text(document, encoding="utf-8")
    print(f"wrote {args.out} ({len(document.encode('utf-8')) / 1e6:.1f} MB)", file=sys.stderr)
    return 0


def _demo(args) -> int:
    from analytics.demo import DEFAULT_DEMO_DIR, generate

    out = generate(args.out or DEFAULT_DEMO_DIR, seed=args.seed, votes=args.votes,
                   participants=args.participants, proposals=args.proposals, fmt=args.format,
                   progress=_print_progress)
    print(f"\nwrote {out}", file=sys.stderr)
    return 0


def _bench(args) -> int:
    from analytics.bench import votes as bench

    if args.groups:
        _bench_groups(args)
    if args.ideas:
        _bench_ideas(args)
    if args.ideas or args.groups:
        if args.votes is None:
            return 0
    elif args.votes is None:
        raise UsageError("bench needs --votes N (or --ideas, --groups)")
    elif args.ideas_scale or args.json or args.no_baseline:
        raise UsageError("--ideas-scale, --json and --no-baseline go with --ideas")
    steps = args.steps.split(",") if args.steps else None
    unknown = sorted(set(steps or ()) - set(bench.STEP_NAMES))
    if unknown:
        raise UsageError(f"unknown step(s) {', '.join(unknown)}; expected "
                         f"{', '.join(bench.STEP_NAMES)}")
    pages = (args.pages.split(",") if args.pages not in (None, "none") else
             [] if args.pages == "none" or args.votes > bench.LARGE else bench.PAGES)
    table = bench.run(args.votes, root=args.dir or bench.BENCH_DIR, steps=steps, pages=pages,
                      progress=_print_progress,
                      echo=lambda line: print(line, file=sys.stderr, flush=True))
    print(table)
    return 0


def _bench_ideas(args) -> None:
    from analytics.bench import ideas as bench_ideas

    if args.show < 0:
        raise UsageError(f"--show expects 0 or more, found {args.show}")
    outcome = bench_ideas.run(scale=args.ideas_scale, show=args.show,
                              baseline=not args.no_baseline,
                              echo=lambda line: print(line, file=sys.stderr, flush=True))
    if args.json:
        json.dump(outcome, sys.stdout, ensure_ascii=False, indent=2, allow_nan=False)
        sys.stdout.write("\n")
    else:
        print(bench_ideas.report(outcome))


def _bench_groups(args) -> None:
    from analytics.bench import groups as bench_groups

    # The app's start (k-means++) first, then a from-scratch Polis start in Polis's row
    # order, for comparison (README, Opinion groups).
    outcomes = [bench_groups.run(init=init, echo=lambda line: print(line, file=sys.stderr,
                                                                    flush=True))
                for init in ("k-means++", "polis")]
    if args.json:
        json.dump(outcomes, sys.stdout, ensure_ascii=False, indent=2, allow_nan=False)
        sys.stdout.write("\n")
    else:
        print("\n\n".join(bench_groups.report(outcome) for outcome in outcomes))


def _print_progress(fraction: float, message: str) -> None:
    print(f"\r{fraction:6.1%} {message[:60]:<60}", end="", file=sys.stderr, flush=True)


COMMANDS = {"validate": _validate, "results": _results, "ideas": _ideas, "demo": _demo,
            "report": _report, "bench": _bench, "groups": _groups}
