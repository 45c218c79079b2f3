"""Interview questions reduced to the words that carry their ask, for comparing meaning.

Two panelists rarely type a question the same way: "Can you walk me through a project that
failed?" and "Describe a failed project." ask the same thing. Before comparing, a question is
lower-cased, contractions are expanded, the filler that frames a question ("can you tell me
about", "walk me through", "describe") and words every question shares ("you", "the", "do")
are dropped, a few everyday synonyms are made one word (role/position/job), spelling variants
are unified (prioritise/prioritize), and each word is cut to a crude stem (leaving/leave).
"""

from __future__ import annotations

import re
from functools import lru_cache

_CONTRACTIONS = {
    "what's": "what is",
    "how's": "how is",
    "where's": "where is",
    "who's": "who is",
    "that's": "that is",
    "it's": "it is",
    "you're": "you are",
    "you've": "you have",
    "you'd": "you would",
    "you'll": "you will",
    "i'm": "i am",
    "i've": "i have",
    "i'd": "i would",
    "we're": "we are",
    "we've": "we have",
    "don't": "do not",
    "didn't": "did not",
    "doesn't": "does not",
    "can't": "can not",
    "won't": "will not",
    "wouldn't": "would not",
    "isn't": "is not",
    "aren't": "are not",
}

# Phrases that frame a question without changing what it asks, longest first.
FILLER = (
    "can you tell me a little bit about",
    "could you tell me a little about",
    "can you tell me about",
    "could you tell me about",
    "would you tell me about",
    "i would like to hear about",
    "i would love to hear about",
    "i would like to know",
    "can you walk me through",
    "could you walk me through",
    "walk me through",
    "talk me through",
    "take me through",
    "can you talk about",
    "tell me a bit about",
    "tell me about",
    "can you describe",
    "could you describe",
    "give me an example of",
    "give an example of",
    "give me an example",
    "give an example",
    "can you give",
    "would you say",
    "can you share",
    "share with me",
    "describe",
    "explain to me",
    "please",
    "tell me",
    "go about",
    "as a",
)
_FILLER_RE = re.compile(r"\b(?:" + "|".join(re.escape(f) for f in FILLER) + r")\b")

# Words nearly every question contains: they make unrelated questions look alike.
_STOPWORD_TEXT = """a an the you your yours i me my we us our it its this that these those
    do does did doing done is are was were be been being am have has had having
    to of in on at for with by from as about into over so than then and or but if
    would could should can will may might just really ever any some
    there their them they time situation when where which what how"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_SYNONYMS = {
    "role": "job",
    "position": "job",
    "employer": "company",
    "organisation": "company",
    "organization": "company",
    "greatest": "biggest",
    "largest": "biggest",
    "manage": "handle",
    "five": "5",
    "ten": "10",
    "three": "3",
    "two": "2",
    "workplace": "environment",
}

_PUNCTUATION_RE = re.compile(r"[^\w\s]")
_ISE_RE = re.compile(r"(?<=\w)is(e|ed|es|ing|ation|ations)\b")
# "deal with" is "handle"; "deal" alone is a sale ("your largest deal"), so only the phrase.
_DEAL_WITH_RE = re.compile(r"\b(?:deal|deals|dealt|dealing) with\b")


def stem(word: str) -> str:
    """A crude suffix cut: enough to make "leaving", "leave" and "leaves" one word."""
    if len(word) <= 4:
        return word
    for suffix in ("ations", "ation", "ing", "ies", "ied", "ed", "es", "s", "e", "y"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=16384)
def clean(question: str) -> str:
    """Lower case, contractions expanded, American spelling, no punctuation, single spaces."""
    text = question.casefold().replace("’", "'").replace("‘", "'")
    for short, full in _CONTRACTIONS.items():
        text = text.replace(short, full)
    text = _ISE_RE.sub(r"iz\1", text)
    text = _PUNCTUATION_RE.sub(" ", text.replace("'s ", " ").replace("s' ", "s "))
    return _DEAL_WITH_RE.sub("handle", " ".join(text.split()))


@lru_cache(maxsize=16384)
def normalise(question: str) -> str:
    """The question as the space-separated stems of its meaningful words."""
    text = _FILLER_RE.sub(" ", clean(question))
    words = []
    for word in text.split():
        word = _SYNONYMS.get(word, word)
        if word in STOPWORDS:
            continue
        words.append(stem(word))
    # A question made only of filler ("Tell me about yourself") keeps its plain words.
    return " ".join(words) or " ".join(_PUNCTUATION_RE.sub(" ", question.casefold()).split())
