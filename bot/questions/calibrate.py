"""Precision and recall of each matcher over thresholds, on labelled question pairs.

Run ``python -m bot.questions.calibrate [pairs.csv]`` (default: the tuning pairs,
``tests/data/questions/tuning.csv``) to see what a threshold would trade, before changing one
with ``python -m bot.questions.train``. The scores here are in-sample for the light and
semantic weights (they were fitted on the development pairs, tuning and v1 held-out);
``train`` prints the cross-validated numbers, and ``bench/overlap.py`` the held-out ones.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.questions import matcher as matchers
from bot.questions.evaluate import TUNING, quality, read_pairs, roc_auc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", nargs="?", type=Path, default=TUNING)
    args = parser.parse_args(argv)
    pairs = [p for p in read_pairs(args.pairs) if p.repeat is not None]
    labels = [bool(p.repeat) for p in pairs]
    print(f"{args.pairs}: {len(pairs)} pairs, {sum(labels)} repeats\n")
    for kind in matchers.KINDS:
        if kind == "semantic" and not matchers.semantic_available():
            print("semantic: not installed (pip install 'hirebot[semantic]')\n")
            continue
        m = matchers.build(kind)
        m.prepare(q for p in pairs for q in (p.a, p.b))
        scores = [m.score(p.a, p.b).score for p in pairs]
        print(f"{kind} (in use at {m.threshold:.2f}; ROC AUC {roc_auc(labels, scores):.3f})")
        print("  threshold  precision  recall   F1    TP  FP  FN")
        for t in sorted({round(x / 20, 2) for x in range(4, 20)} | {round(m.threshold, 2)}):
            q = quality(labels, scores, t)
            print(
                f"  {t:9.2f}  {q.precision:9.2f}  {q.recall:6.2f}  {q.f1:4.2f}"
                f"  {q.true_positives:3d} {q.false_positives:3d} {q.false_negatives:3d}"
            )
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
