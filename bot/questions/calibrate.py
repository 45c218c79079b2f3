"""Precision and recall of the repeat check over thresholds, on the labelled question pairs.

Run ``python -m bot.questions.calibrate [pairs.csv]`` (default: ``tests/data/question_pairs.csv``)
to see why the threshold in ``bot.questions.similarity`` is what it is, and to check a change
to the normaliser or the scorer before making it. ``--raw`` compares without normalising.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.questions.normalise import normalise
from bot.questions.similarity import SCORER, SCORERS, THRESHOLD, Scorer

DEFAULT_PAIRS = Path(__file__).resolve().parents[2] / "tests" / "data" / "question_pairs.csv"


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    repeat: bool


@dataclass(frozen=True)
class Quality:
    threshold: float
    precision: float
    recall: float
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def load_pairs(path: Path = DEFAULT_PAIRS) -> list[Pair]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Pair(row["a"], row["b"], row["repeat"].strip() == "1") for row in csv.DictReader(handle)
        ]


def scores(pairs: Iterable[Pair], scorer: Scorer = SCORER, *, raw: bool = False) -> list[float]:
    prepare = (lambda q: q.casefold()) if raw else normalise
    return [scorer(prepare(p.a), prepare(p.b)) for p in pairs]


def quality(pairs: list[Pair], pair_scores: list[float], threshold: float) -> Quality:
    tp = sum(1 for p, s in zip(pairs, pair_scores, strict=True) if s >= threshold and p.repeat)
    fp = sum(1 for p, s in zip(pairs, pair_scores, strict=True) if s >= threshold and not p.repeat)
    fn = sum(1 for p, s in zip(pairs, pair_scores, strict=True) if s < threshold and p.repeat)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return Quality(threshold, precision, recall, tp, fp, fn)


def curve(pairs: list[Pair], pair_scores: list[float], step: int = 5) -> list[Quality]:
    return [quality(pairs, pair_scores, t) for t in range(40, 101, step)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", nargs="?", type=Path, default=DEFAULT_PAIRS)
    parser.add_argument("--raw", action="store_true", help="compare without normalising")
    parser.add_argument("--step", type=int, default=5)
    args = parser.parse_args(argv)
    pairs = load_pairs(args.pairs)
    repeats = sum(p.repeat for p in pairs)
    print(f"{len(pairs)} pairs: {repeats} repeats, {len(pairs) - repeats} different questions")
    print(f"normalised: {not args.raw}; in use: {SCORER.__name__} at {THRESHOLD:g}\n")
    for name, scorer in SCORERS.items():
        pair_scores = scores(pairs, scorer, raw=args.raw)
        points = curve(pairs, pair_scores, args.step)
        best = max(points, key=lambda q: (q.f1, q.precision))
        print(f"{name}  (best F1 {best.f1:.2f} at {best.threshold:g})")
        print("  threshold  precision  recall   F1    TP  FP  FN")
        for q in points:
            print(
                f"  {q.threshold:9g}  {q.precision:9.2f}  {q.recall:6.2f}  {q.f1:4.2f}"
                f"  {q.true_positives:3d} {q.false_positives:3d} {q.false_negatives:3d}"
            )
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
