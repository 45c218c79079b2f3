"""The overlap score HireBot used before issue 14, kept as the ``legacy`` matcher so the
bench and ``hirebot questions score --matcher legacy`` can compare against it.

Scores are rapidfuzz token ratios (0-100) on normalised questions (``normalise``), a repeat
at 75 or more, chosen on the 80 development pairs in ``tests/data/question_pairs.csv``. On
the held-out pairs it scores precision 0.38, recall 0.11 (see the README).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rapidfuzz import fuzz, process

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


def matches(
    key: str, choices: Sequence[str], threshold: float = THRESHOLD
) -> list[tuple[int, float]]:
    """(position, score) of every normalised choice ``blended`` scores at least ``threshold``
    against normalised ``key``, in choice order: the same answer as scoring each pair, faster.

    A blend of two scores of at most 100 reaches ``threshold`` only if token_set_ratio reaches
    ``2 * threshold - 100``; rapidfuzz finds those in one C loop (with the key prepared once),
    and only they get a token_sort_ratio.
    """
    floor = max(0.0, 2 * threshold - 100)
    found = []
    for _, set_score, position in process.extract(
        key, choices, scorer=fuzz.token_set_ratio, processor=None, score_cutoff=floor, limit=None
    ):
        score = (set_score + fuzz.token_sort_ratio(key, choices[position])) / 2
        if score >= threshold:
            found.append((position, score))
    return sorted(found)
