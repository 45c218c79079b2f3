"""The semantic matcher (``pip install 'hirebot[semantic]'``): its NumPy encoder against
sentence-transformers, embeddings kept per question, and what it adds to the light one.
Skipped where the extra is not installed; CI runs it in its semantic configuration."""

from __future__ import annotations

import pytest

from bot.questions import matcher as matchers

pytestmark = pytest.mark.skipif(
    not matchers.semantic_available(), reason="needs the semantic extra"
)

QUESTIONS = [
    "When could you start?",
    "What's your earliest possible start date?",
    "How comfortable are you with SQL? I mean joins, window functions and query plans.",
    "Tell me about a time you broke production.",
]


def test_numpy_encoder_gives_the_vectors_sentence_transformers_gives():
    np = pytest.importorskip("numpy")
    st = pytest.importorskip("sentence_transformers")
    from bot.questions.encoder import Encoder, bundled_model_dir

    path = bundled_model_dir()
    ours = Encoder(path).encode(QUESTIONS)
    theirs = st.SentenceTransformer(str(path), device="cpu").encode(
        QUESTIONS, normalize_embeddings=True
    )
    assert np.abs(ours - theirs).max() < 1e-4
    assert (ours * theirs).sum(axis=1).min() > 0.9999


def test_embeddings_are_kept_per_question_so_a_check_encodes_only_new_ones(monkeypatch):
    from bot.questions.encoder import Encoder, bundled_model_dir

    weights = matchers.weights_for("semantic")
    m = matchers.SemanticMatcher(weights, Encoder(bundled_model_dir()))
    encoded: list[str] = []
    real = m.encoder.encode_full

    def counting(texts):
        encoded.extend(texts)
        return real(texts)

    monkeypatch.setattr(m.encoder, "encode_full", counting)
    m.prepare(QUESTIONS)
    assert sorted(encoded) == sorted(QUESTIONS)
    m.matches(QUESTIONS, QUESTIONS)
    m.score(QUESTIONS[0], QUESTIONS[1])
    assert len(encoded) == len(QUESTIONS)  # nothing encoded twice
    m.matches(["Why are you leaving?"], QUESTIONS)
    assert encoded[-1] == "Why are you leaving?"


def test_semantic_uses_meaning_beyond_the_taxonomy():
    semantic, light = matchers.build("semantic"), matchers.build("light")
    a = "How do you decide between batch and streaming processing?"
    b = "When would you choose streaming over batch processing?"
    assert semantic.score(a, b).score > light.score(a, b).score


def test_content_tokens_match_one_at_a_time_and_in_a_batch():
    np = pytest.importorskip("numpy")
    from bot.questions.encoder import Encoder, align, bundled_model_dir

    encoder = Encoder(bundled_model_dir())
    vectors, tokens = encoder.encode_full(QUESTIONS)
    for text, vector, matrix in zip(QUESTIONS, vectors, tokens, strict=True):
        one_vector, one_tokens = encoder.encode_full([text])
        assert np.abs(one_vector[0] - vector).max() < 1e-4
        assert np.abs(one_tokens[0] - matrix).max() < 1e-4
    # A question aligns fully with itself.
    starts = np.array([0])
    mean, _least, worst = align(tokens[3], tokens[3], starts, starts)
    assert mean[0][0] == pytest.approx(1, abs=1e-4) and worst[0][0] == pytest.approx(1, abs=1e-4)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What's your notice period?", "What is your notice period at the moment?"),
        ("Why are you leaving your current job?", "Why do you want to leave your current job?"),
        ("What is your biggest weakness?", "What would you say is your biggest weakness?"),
        (
            "Walk me through how you would design a URL shortener.",
            "How would you design a URL shortener?",
        ),
    ],
)
def test_near_verbatim_repeats_are_flagged_though_shared_words_weigh_against(a, b):
    """The semantic weights let shared words count against a pair whose meaning is already
    equal (``train.FREE_SIGNS``); plain repeats with a few words changed still flag."""
    assert matchers.build("semantic").score(a, b).repeat


def test_a_model_directory_that_is_not_a_model_is_refused(tmp_path):
    with pytest.raises(matchers.MatcherUnavailable, match="cannot load the question model"):
        matchers.build("semantic", str(tmp_path))
