"""``hirebot questions score``: the overlap check's verdict on one pair or a CSV of pairs.

With the same matcher the product uses (``HIREBOT_QUESTION_MATCHER``, ``--matcher`` to
override):

- ``hirebot questions score "<a>" "<b>"`` prints the score (0-1, how sure HireBot is that
  they ask the same thing), the verdict and, when there is one, the screening topic both ask
  about;
- ``hirebot questions score --pairs FILE.csv`` reads columns ``a,b`` (and optionally
  ``repeat``, 1/0) and writes ``a,b,score,repeat_predicted`` to stdout; when ``repeat`` is
  given, precision, recall, F1 and ROC AUC go to stderr, so stdout stays a clean CSV.
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path
from typing import TextIO

from bot.questions.evaluate import quality_of_verdicts, read_pairs, roc_auc
from bot.questions.matcher import Matcher


def score_one(matcher: Matcher, a: str, b: str, out: TextIO) -> int:
    match = matcher.score(a, b)
    verdict = "repeat" if match.repeat else "not a repeat"
    topic = f"; both ask about {match.topic}" if match.topic else ""
    print(
        f"{match.score:.2f} {verdict} ({match.confidence}{topic})"
        f" [matcher {matcher.name}, repeat at {matcher.threshold:.2f} or more]",
        file=out,
    )
    return 0


def score_file(matcher: Matcher, path: Path, out: TextIO, err: TextIO) -> int:
    try:
        pairs = read_pairs(path)
    except (OSError, ValueError, csv.Error) as exc:
        print(f"hirebot: cannot read {path}: {exc}", file=err)
        return 2
    matcher.prepare(q for p in pairs for q in (p.a, p.b))
    matches = [matcher.score(p.a, p.b) for p in pairs]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["a", "b", "score", "repeat_predicted"])
    for pair, match in zip(pairs, matches, strict=True):
        writer.writerow([pair.a, pair.b, f"{match.score:.4f}", int(match.repeat)])
    labelled = [(p.repeat, m) for p, m in zip(pairs, matches, strict=True) if p.repeat is not None]
    if labelled:
        labels = [bool(label) for label, _ in labelled]
        q = quality_of_verdicts(labels, [m.repeat for _, m in labelled])
        auc = roc_auc(labels, [m.score for _, m in labelled])
        print(
            f"{len(labelled)} labelled pairs, matcher {matcher.name} at {matcher.threshold:.2f}:"
            f" precision {q.precision:.3f} recall {q.recall:.3f} F1 {q.f1:.3f}"
            f" ROC AUC {auc:.3f} (TP {q.true_positives}, FP {q.false_positives},"
            f" FN {q.false_negatives})",
            file=err,
        )
    return 0


def run(matcher: Matcher, pair: list[str], pairs_file: Path | None) -> int:
    if pairs_file is not None:
        if pair:
            print("hirebot: give two questions or --pairs FILE.csv, not both", file=sys.stderr)
            return 2
        try:
            return score_file(matcher, pairs_file, sys.stdout, sys.stderr)
        except BrokenPipeError:  # `| head`: the reader has seen enough
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - nothing more is written
            return 0
    if len(pair) != 2:
        print(
            'hirebot: usage: hirebot questions score "<question a>" "<question b>"'
            " | --pairs FILE.csv",
            file=sys.stderr,
        )
        return 2
    return score_one(matcher, pair[0], pair[1], sys.stdout)
