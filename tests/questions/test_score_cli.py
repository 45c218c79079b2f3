"""``hirebot questions score``: one pair, or a CSV of pairs with metrics on stderr."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import pytest

from bot.questions import matcher as matchers


def hirebot(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("HIREBOT_", "SLACK_"))}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "questions", "score", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def test_one_pair_prints_score_verdict_and_why():
    result = hirebot(
        "--matcher", "light", "When could you start?", "What's your earliest possible start date?"
    )
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    score = float(line.split()[0])
    assert 0.5 < score <= 1
    # Light's score for a shared screening intent is about 0.85: "likely" (its CV reliability:
    # 88% of the pairs it scores 0.8-1.0 are repeats).
    assert "repeat (likely; both ask about the start date)" in line
    assert "[matcher light, repeat at 0.45 or more]" in line
    different = hirebot("--matcher", "light", "SQL?", "Python?")
    assert " not a repeat (unlikely)" in different.stdout


def test_pairs_file_writes_csv_and_metrics_when_labelled(tmp_path):
    pairs = tmp_path / "pairs.csv"
    with pairs.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["a", "b", "repeat"])
        writer.writerow(["When could you start?", "What's your earliest possible start date?", 1])
        writer.writerow(
            ["How comfortable are you with SQL?", "How comfortable are you with Python?", 0]
        )
        writer.writerow(['Quote "this", please', "Tell me about yourself", 0])
    result = hirebot("--pairs", str(pairs), "--matcher", "light")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["a", "b", "score", "repeat_predicted"]
    assert [r["repeat_predicted"] for r in rows] == ["1", "0", "0"]
    assert rows[2]["a"] == 'Quote "this", please'
    assert "3 labelled pairs, matcher light at 0.45: precision 1.000 recall 1.000 F1 1.000" in (
        result.stderr
    )

    unlabelled = tmp_path / "plain.csv"
    unlabelled.write_text("a,b\nWhy us?,Why this company?\n")
    result = hirebot("--pairs", str(unlabelled), "--matcher", "light")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.splitlines()[1].startswith("Why us?,Why this company?,")


def test_same_code_path_as_the_product_default(tmp_path):
    """Without --matcher the CLI uses HIREBOT_QUESTION_MATCHER, as the app does."""
    result = hirebot("Why us?", "Why this company?", env={"HIREBOT_QUESTION_MATCHER": "light"})
    assert "[matcher light," in result.stdout
    result = hirebot("Why us?", "Why this company?")
    expected = "semantic" if matchers.semantic_available() else "light"
    assert f"[matcher {expected}," in result.stdout


def test_mistakes_get_one_line_and_exit_2(tmp_path):
    assert hirebot("only one").returncode == 2
    missing = hirebot("--pairs", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("question,other\nx,y\n")
    result = hirebot("--pairs", str(bad))
    assert result.returncode == 2 and "needs columns a and b" in result.stderr
    wrong = hirebot("a", "b", env={"HIREBOT_QUESTION_MATCHER": "fuzzy"})
    assert wrong.returncode == 2
    assert "invalid setting HIREBOT_QUESTION_MATCHER: must be auto, light or semantic" in (
        wrong.stderr
    )
    no_model = hirebot("a", "b", env={"HIREBOT_QUESTION_MODEL": str(tmp_path)})
    assert no_model.returncode == 2
    assert "invalid setting HIREBOT_QUESTION_MODEL:" in no_model.stderr
    assert "is not a local sentence-transformers model directory" in no_model.stderr


@pytest.mark.skipif(matchers.semantic_available(), reason="the extra is installed here")
def test_semantic_without_the_extra_says_how_to_get_it():
    result = hirebot("a", "b", env={"HIREBOT_QUESTION_MATCHER": "semantic"})
    assert result.returncode == 2
    assert "pip install 'hirebot[semantic]'" in result.stderr
    result = hirebot("--matcher", "semantic", "a", "b")
    assert result.returncode == 2 and "pip install 'hirebot[semantic]'" in result.stderr
