"""What the matchers know about one question, and the signals they combine for a pair.

Each question is prepared once (``prepare``, cached by its text): its normalised words, their
set, and the screening intents it asks about. A pair's signals (``pair_signals``) are then
cheap set arithmetic plus one rapidfuzz ratio, and, for the semantic matcher, the cosine of
the two questions' embeddings. A small logistic regression (``bot.questions.model``) weighs
them; its weights are fitted on the tuning pairs by ``python -m bot.questions.train``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from bot.questions.intents import intents
from bot.questions.normalise import normalise

#: The signals, in the order ``pair_signals`` returns them, with the range each can take
#: (the fast path in ``bot.questions.model`` uses the ranges to skip pairs that cannot match).
LEXICAL_SIGNALS: tuple[str, ...] = (
    "blended",  # today's score: mean of token set and token sort ratio, 0-1
    "jaccard",  # shared words / all words
    "containment",  # shared words / words of the shorter question
    "unshared",  # words of the shorter question not in the longer, capped at 4, / 4
    "same_intent",  # both ask about the same screening intent
    "other_intent",  # both ask about screening intents, but not the same one
    "one_intent",  # exactly one of the two asks about a screening intent
)
SEMANTIC_SIGNALS: tuple[str, ...] = ("cosine",)  # of the two questions' embeddings, 0-1

#: Every signal lies in [0, 1].
SIGNAL_RANGE = (0.0, 1.0)


@dataclass(frozen=True)
class Prepared:
    text: str
    norm: str
    words: frozenset[str]
    intents: frozenset[str]


@lru_cache(maxsize=16384)
def prepare(question: str) -> Prepared:
    norm = normalise(question)
    return Prepared(question, norm, frozenset(norm.split()), intents(question))


def shared_intent(a: Prepared, b: Prepared) -> str | None:
    """The first intent (in taxonomy order) both ask about, if any."""
    common = a.intents & b.intents
    return min(common) if common else None


def lexical_signals(a: Prepared, b: Prepared) -> tuple[float, ...]:
    shared = len(a.words & b.words)
    union = len(a.words | b.words)
    shorter = min(len(a.words), len(b.words))
    same = bool(a.intents & b.intents)
    both = bool(a.intents) and bool(b.intents)
    return (
        (fuzz.token_set_ratio(a.norm, b.norm) + fuzz.token_sort_ratio(a.norm, b.norm)) / 200,
        shared / union if union else 1.0,
        shared / shorter if shorter else 1.0,
        min(shorter - shared, 4) / 4 if shorter else 0.0,
        1.0 if same else 0.0,
        1.0 if both and not same else 0.0,
        1.0 if bool(a.intents) != bool(b.intents) else 0.0,
    )


def no_overlap_signals(a: Prepared, b: Prepared, blended: float) -> tuple[float, ...]:
    """``lexical_signals`` for a pair known to share no word and no intent, given its
    ``blended`` score: what the fast path computes without touching the pair in Python."""
    shorter = min(len(a.words), len(b.words))
    both = bool(a.intents) and bool(b.intents)
    return (
        blended,
        0.0,
        0.0,
        min(shorter, 4) / 4,
        0.0,
        1.0 if both else 0.0,
        1.0 if bool(a.intents) != bool(b.intents) else 0.0,
    )
