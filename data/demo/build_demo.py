"""Rebuild the #SolutionsJeunes demo bundle (or a bigger synthetic one).

    python data/demo/build_demo.py                       # data/consultations/solutions-jeunes
    python data/demo/build_demo.py --votes 10000000 --out .bench/sj-10m
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analytics.demo import DEFAULT_DEMO_DIR, generate  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_DEMO_DIR)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--votes", type=int)
    parser.add_argument("--participants", type=int)
    parser.add_argument("--proposals", type=int)
    parser.add_argument("--format", dest="fmt", choices=("parquet", "csv"), default="parquet")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    out = generate(args.out, seed=args.seed, votes=args.votes, participants=args.participants,
                   proposals=args.proposals, fmt=args.fmt, progress=_print_progress)
    print(f"\n{out} ({time.perf_counter() - started:.1f} s)")
    return 0


def _print_progress(fraction: float, message: str) -> None:
    print(f"\r{fraction:6.1%}  {message:<50}", end="", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
