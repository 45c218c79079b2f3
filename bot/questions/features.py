"""What the matchers know about one question, and the signals they combine for a pair.

Each question is prepared once (``prepare``, cached by its text): its normalised words, their
set, and the screening intents it asks about. A pair's signals (``pair_signals``) are then
cheap set arithmetic plus one rapidfuzz ratio, and, for the semantic matcher, the cosine of
the two questions' embeddings. A small logistic regression (``bot.questions.matcher``) weighs
them; its weights are fitted on the development pairs by ``python -m bot.questions.train``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from bot.questions.intents import OTHER_ASK, intents
from bot.questions.normalise import clean, normalise

#: The signals, in the order ``pair_signals`` returns them, with the range each can take
#: (the fast path in ``bot.questions.model`` uses the ranges to skip pairs that cannot match).
LEXICAL_SIGNALS: tuple[str, ...] = (
    "blended",  # today's score: mean of token set and token sort ratio, 0-1
    "jaccard",  # shared words / all words
    "containment",  # shared words / words of the shorter question
    "unshared",  # words of the shorter question not in the longer, capped at 4, / 4
    "same_intent",  # both ask the same screening question (same topic, same kind of ask)
    "other_intent",  # both ask about screening intents, but not the same one
    "one_intent",  # exactly one of the two asks about a screening intent
)
SEMANTIC_SIGNALS: tuple[str, ...] = (
    "cosine",  # of the two questions' sentence embeddings, 0-1
    "contrast",  # each names a different side of a contrast (manager/peer, won/lost), 0-1
    "align_mean",  # how well each one's words find a counterpart in the other, 0-1
    "align_min",  # the same, in the direction that aligns worse
    "align_worst",  # the least well aligned word of either question, 0-1
)

#: Every signal lies in [0, 1].
SIGNAL_RANGE = (0.0, 1.0)


_OTHER = frozenset({OTHER_ASK})


@dataclass(frozen=True)
class Prepared:
    text: str
    norm: str
    words: frozenset[str]
    intents: frozenset[str]
    plain: frozenset[str] = frozenset()  # every word, unstemmed (``clean``), for ``contrast``


@lru_cache(maxsize=16384)
def prepare(question: str) -> Prepared:
    norm = normalise(question)
    return Prepared(
        question,
        norm,
        frozenset(norm.split()),
        intents(question),
        frozenset(clean(question).split()),
    )


#: Words that name one side of a contrast interview questions turn on, from general interview
#: knowledge (not from the labelled pairs): two questions that each name a different side ask
#: different things ("disagreed with your manager" / "with a peer", "a deal you won" / "lost").
_PEOPLE = frozenset(
    [
        "manager",
        "boss",
        "peer",
        "colleague",
        "coworker",
        "report",
        "reports",
        "team",
        "customer",
        "client",
        "stakeholder",
        "stakeholders",
        "executive",
        "executives",
        "ceo",
        "founder",
        "engineer",
        "engineers",
        "designer",
        "designers",
        "candidate",
        "vendor",
        "partner",
        "investor",
    ]
)
_TOOLS = frozenset(
    [
        "sql",
        "python",
        "excel",
        "r",
        "tableau",
        "java",
        "javascript",
        "spark",
        "figma",
        "salesforce",
        "jira",
        "aws",
        "kubernetes",
    ]
)
_SIDES: tuple[tuple[frozenset[str], frozenset[str]], ...] = tuple(
    (frozenset(x.split()), frozenset(y.split()))
    for x, y in (
        (
            "succeed succeeded success successful win won proud best",
            "fail failed failure lost lose mistake wrong regret worst",
        ),
        (
            "biggest largest most hardest toughest longest highest best favorite",
            "smallest least easiest shortest lowest worst",
        ),
        (
            "current currently now today present",
            "expected expect expectation expectations future next would want ideal target",
        ),
        ("current currently now today present", "last previous past former did was were ever"),
        (
            "expected expect expectation expectations future next would want ideal target",
            "last previous past former did was were ever",
        ),
        (
            "detect detection identify find spot measure monitor",
            "handle fix resolve prevent deal treat remove mitigate",
        ),
        ("design build architect implement", "test debug review maintain deploy"),
        ("hire hiring recruit", "fire firing underperformer performance"),
        ("give gave giving", "receive received receiving got"),
        ("increase grow growth raise up", "decrease reduce cut drop churn down"),
        ("minimum min lowest floor", "maximum max highest ceiling"),
        ("remote home", "office onsite site"),
        ("before prior", "after"),
    )
)


def contrast(a: Prepared, b: Prepared) -> float:
    """0, 0.5 or 1: how many contrasts (at most two) the pair turns on, each question naming
    a different side that the other does not name (manager/peer, SQL/Python, won/lost)."""
    only_a, only_b = a.plain - b.plain, b.plain - a.plain
    if not only_a or not only_b:
        return 0.0
    hits = 0
    for group in (_PEOPLE, _TOOLS):
        hits += bool(only_a & group) and bool(only_b & group)
    for x, y in _SIDES:
        hits += (bool(only_a & x) and bool(only_b & y)) or (bool(only_a & y) and bool(only_b & x))
    return min(hits, 2) / 2


def shared_intent(a: Prepared, b: Prepared) -> str | None:
    """An intent both ask about, if any (the first by name, so it is stable)."""
    common = (a.intents & b.intents) - _OTHER
    return min(common) if common else None


def blended(a: Prepared, b: Prepared) -> float:
    """Today's score on normalised text, 0-1: the mean of token set and token sort ratio."""
    return (fuzz.token_set_ratio(a.norm, b.norm) + fuzz.token_sort_ratio(a.norm, b.norm)) / 200


def set_signals(a: Prepared, b: Prepared) -> tuple[float, float, float, float, float, float]:
    """The signals after ``blended``: set arithmetic only, so cheap."""
    shared = len(a.words & b.words)
    union = len(a.words) + len(b.words) - shared
    shorter = min(len(a.words), len(b.words))
    topics_a, topics_b = a.intents - _OTHER, b.intents - _OTHER
    # The same screening topic, asked the same way (not one about the past or designing it).
    same = not topics_a.isdisjoint(topics_b) and (OTHER_ASK in a.intents) == (
        OTHER_ASK in b.intents
    )
    both = bool(topics_a) and bool(topics_b)
    return (
        shared / union if union else 1.0,
        shared / shorter if shorter else 1.0,
        min(shorter - shared, 4) / 4 if shorter else 0.0,
        1.0 if same else 0.0,
        1.0 if both and not same else 0.0,
        1.0 if bool(topics_a) != bool(topics_b) else 0.0,
    )


def lexical_signals(a: Prepared, b: Prepared) -> tuple[float, ...]:
    """Every light signal of the pair, in ``LEXICAL_SIGNALS`` order."""
    return (blended(a, b), *set_signals(a, b))
