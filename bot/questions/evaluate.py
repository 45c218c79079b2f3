"""Labelled question pairs and the measures the README and bench report: precision, recall,
F1 and ROC AUC. Plain Python, so the default install can run them."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "tests" / "data" / "questions"
TUNING = DATA_DIR / "tuning.csv"
HELDOUT_V1 = DATA_DIR / "heldout.csv"  # held out once (first design), then development
#: The pairs the matchers are developed on: fitted, cross-validated, thresholds chosen.
DEVELOPMENT = (TUNING, HELDOUT_V1)
#: The held-out pairs: scored once, for reporting, after everything was frozen.
HELDOUT = DATA_DIR / "heldout_v2.csv"


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    repeat: bool | None  # None when the file has no repeat column
    role: str = ""
    kind: str = ""
    hardness: str = ""
    group: str = ""


def read_pairs(path: Path) -> list[Pair]:
    """Rows with columns a, b and optionally repeat (1/0, true/false, yes/no), role, kind,
    hardness, group. Raises ValueError naming the row of a bad repeat value."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        fields = set(reader.fieldnames or ())
        if not {"a", "b"} <= fields:
            raise ValueError(f"{path}: needs columns a and b (found {sorted(fields)})")
        pairs = []
        for line, row in enumerate(reader, start=2):
            repeat = None
            if "repeat" in fields:
                repeat = parse_label(row.get("repeat") or "", f"{path}:{line}")
            pairs.append(
                Pair(
                    row["a"] or "",
                    row["b"] or "",
                    repeat,
                    row.get("role") or "",
                    row.get("kind") or "",
                    row.get("hardness") or "",
                    row.get("group") or "",
                )
            )
        return pairs


def parse_label(text: str, where: str) -> bool:
    value = text.strip().casefold()
    if value in {"1", "true", "yes", "y"}:
        return True
    if value in {"0", "false", "no", "n"}:
        return False
    raise ValueError(f"{where}: repeat must be 1 or 0, not {text!r}")


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


def quality(labels: Sequence[bool], scores: Sequence[float], threshold: float) -> Quality:
    tp = fp = fn = 0
    for label, score in zip(labels, scores, strict=True):
        flagged = score >= threshold
        tp += flagged and label
        fp += flagged and not label
        fn += (not flagged) and label
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return Quality(threshold, precision, recall, tp, fp, fn)


def quality_of_verdicts(labels: Sequence[bool], verdicts: Sequence[bool]) -> Quality:
    return quality(labels, [1.0 if v else 0.0 for v in verdicts], 0.5)


def roc_auc(labels: Sequence[bool], scores: Sequence[float]) -> float:
    """The probability that a random repeat scores above a random non-repeat (ties half)."""
    ranked = sorted(zip(scores, labels, strict=True))
    positives = sum(labels)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return float("nan")
    rank_sum = 0.0
    i = 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        average_rank = (i + j + 1) / 2  # ranks are 1-based
        rank_sum += average_rank * sum(1 for _, label in ranked[i:j] if label)
        i = j
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)
