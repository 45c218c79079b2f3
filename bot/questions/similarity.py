"""How alike two interview questions are in meaning, and when that counts as a repeat.

Scores are rapidfuzz token ratios (0-100) on normalised questions (``normalise``). The mix and
the threshold were chosen with ``python -m bot.questions.calibrate`` against the labelled pairs
in ``tests/data/question_pairs.csv``; ``tests/core/test_question_similarity.py`` keeps the
precision and recall at the threshold from getting worse.
"""

from __future__ import annotations

from collections.abc import Callable

from rapidfuzz import fuzz

from bot.questions.normalise import normalise

Scorer = Callable[[str, str], float]


def blended(a: str, b: str) -> float:
    """Mean of token_set_ratio (one question contains the other) and token_sort_ratio (the
    same words in any order): set alone calls "a project" and "a project that failed" equal."""
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2


#: The scorers the calibration compares, applied to normalised questions.
SCORERS: dict[str, Scorer] = {
    "blended": blended,
    "token_set_ratio": fuzz.token_set_ratio,
    "token_sort_ratio": fuzz.token_sort_ratio,
    "ratio": fuzz.ratio,
    "WRatio": fuzz.WRatio,
    "partial_token_sort_ratio": fuzz.partial_token_sort_ratio,
}

SCORER: Scorer = blended
#: Scores at or above this count as "the same question".
THRESHOLD = 75.0


def similarity(a: str, b: str) -> float:
    """0-100: how alike two questions are, after normalising both."""
    return SCORER(normalise(a), normalise(b))


def is_repeat(a: str, b: str, threshold: float = THRESHOLD) -> bool:
    return similarity(a, b) >= threshold
