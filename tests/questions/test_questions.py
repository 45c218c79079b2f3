"""The question-overlap core: the labelled data, normalising, intents, the matchers' verdicts,
finding repeats, coverage per focus area, and checking a typed plan."""

from __future__ import annotations

import csv
import json

import pytest

from bot.panels.rounds import EarlierQuestion
from bot.questions import matcher as matchers
from bot.questions import plan, train
from bot.questions.evaluate import DEVELOPMENT, HELDOUT, HELDOUT_V1, TUNING, read_pairs
from bot.questions.intents import intents
from bot.questions.normalise import normalise
from bot.questions.overlap import SeatPlan, coverage, find_overlaps

KINDS = ["light", "legacy"] + (["semantic"] if matchers.semantic_available() else [])


def test_labelled_set_is_big_split_by_group_and_balanced():
    tuning, heldout = read_pairs(TUNING), read_pairs(HELDOUT_V1)
    assert len(tuning) + len(heldout) >= 600
    assert not {p.group for p in tuning} & {p.group for p in heldout}
    sets = [tuning, heldout]
    if HELDOUT.exists():  # the held-out file, written apart from the development pairs
        v2 = read_pairs(HELDOUT)
        assert len(v2) >= 100
        development = {(p.a, p.b) for p in tuning + heldout}
        # Written without seeing the development pairs; four canonical near misses ("SQL?" /
        # "Python?", biggest weakness / strength, ...) came out word for word the same.
        assert len({(p.a, p.b) for p in v2} & development) <= 4
    for pairs in sets:
        assert all(p.repeat is not None for p in pairs)
        assert 0.35 <= sum(bool(p.repeat) for p in pairs) / len(pairs) <= 0.6
        assert {p.hardness for p in pairs} == {"easy", "paraphrase", "near_miss"}
        assert {p.kind for p in pairs} == {"screening", "behavioural", "technical", "case"}


def test_shipped_weights_are_what_training_on_the_development_pairs_gives():
    """The weights come from the development pairs and nothing else: refitting reproduces
    them; the held-out file is refused."""
    pairs = train.development_pairs()
    stored = matchers.weights_for("light")
    refit, _ = train.train(
        "light", pairs, target_precision=train.DEFAULT_PRECISION["light"], fitted_on=["x"]
    )
    assert stored.threshold == pytest.approx(refit.threshold, abs=1e-4)
    assert stored.coef == pytest.approx(refit.coef, abs=1e-5)
    assert stored.about["fitted_on"] == [
        "tests/data/questions/tuning.csv",
        "tests/data/questions/heldout.csv",
    ]
    assert [str(p) for p in DEVELOPMENT] == [str(TUNING), str(HELDOUT_V1)]
    # Cross-validated, grouped by seed topic, precision first, as the README reports.
    assert stored.about["cross_validated"]["precision"] >= 0.85
    assert matchers.weights_for("semantic").about["cross_validated"]["precision"] >= 0.9
    with pytest.raises(SystemExit):
        train.main(["--pairs", str(HELDOUT), "--dry-run"])


def test_signs_hold_in_every_shipped_weight_file():
    for kind in ("light", "semantic"):
        weights = matchers.weights_for(kind)
        for name, coef in zip(weights.signals, weights.coef, strict=True):
            if name not in train.FREE_SIGNS[kind]:
                assert train.SIGNS[name] * coef >= 0, (kind, name, coef)


def test_normalise_drops_filler_case_punctuation_and_contractions():
    assert normalise("Can you tell me about a project that FAILED?") == normalise(
        "Walk me through a project that failed."
    )
    assert normalise("What's your biggest weakness?") == normalise("What is your greatest weakness")
    assert normalise("How do you prioritise?") == normalise("How do you prioritize?")
    assert normalise("Tell me about yourself") == "yourself"
    # "deal" is a sale; only "deal with" means "handle".
    assert normalise("What was your largest deal?") == "biggest deal"
    assert normalise("How do you deal with stakeholders?") == normalise(
        "How do you handle stakeholders?"
    )


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When could you start?", {"start_date"}),
        ("What's your earliest possible start date?", {"start_date"}),
        ("how long's ur notice", {"notice_period"}),
        ("Do you need visa sponsorship?", {"visa"}),
        ("What are your OTE expectations?", {"commission"}),
        ("Is this a contract or permanent role for you?", {"employment_type"}),
        ("Are you happy with a background check?", {"background_check"}),
        ("Can we contact your references?", {"references"}),
        ("How many days a week could you be in the office?", {"work_arrangement"}),
        ("What are your salary expectations?", {"salary_expectation"}),
        ("What's your current salary?", {"current_salary"}),
        ("How much travel did your last role involve?", {"travel", "other_ask"}),
        ("How do you design a microservice?", set()),
    ],
)
def test_screening_intents(question, expected):
    assert intents(question) == expected


@pytest.mark.parametrize("kind", KINDS)
def test_every_matcher_catches_plain_repeats_and_leaves_one_word_swaps(kind):
    m = matchers.build(kind)
    # The same question typed twice, with different filler and punctuation.
    assert m.score(
        "Tell me about a time you disagreed with your manager.",
        "tell me about a time you disagreed with your manager",
    ).repeat
    if kind == "legacy":
        return
    assert not m.score(
        "How comfortable are you with SQL?", "How comfortable are you with Python?"
    ).repeat
    start = m.score("When could you start?", "What's your earliest possible start date?")
    assert start.repeat and start.topic == "the start date"
    assert start.confidence in ("likely", "very likely")
    assert not m.score("What are your salary expectations?", "What's your current salary?").repeat
    assert not m.score(
        "What hours can you work?", "What hours does your current role involve?"
    ).repeat
    assert 0 <= m.score("", "").score <= 1


@pytest.mark.parametrize("kind", KINDS)
def test_fast_matching_agrees_with_scoring_every_pair(kind):
    m = matchers.build(kind)
    questions = sorted({q for p in read_pairs(TUNING)[:160] for q in (p.a, p.b)})
    m.prepare(questions)
    fast = m.matches(questions, questions)
    for i, key in enumerate(questions):
        expected = [(j, m.score(key, q)) for j, q in enumerate(questions)]
        expected = [(j, match) for j, match in expected if match.repeat]
        assert [j for j, _ in fast[i]] == [j for j, _ in expected], key
        for (_, got), (_, want) in zip(fast[i], expected, strict=True):
            assert got.score == pytest.approx(want.score)
            assert got.topic == want.topic
    assert m.matches([], questions) == [] and m.matches(questions[:2], []) == [[], []]


def test_settings_choose_the_matcher():
    from bot.config import isolated_settings

    assert matchers.matcher_for(isolated_settings(question_matcher="light")).name == "light"
    auto = matchers.matcher_for(isolated_settings())
    assert auto.name == ("semantic" if matchers.semantic_available() else "light")


EARLIER = (
    EarlierQuestion("Tell me about yourself", 1),
    EarlierQuestion("Why are you leaving your current job?", 1),
    EarlierQuestion("How do you handle conflicting priorities from stakeholders?", 2, "U2"),
)


def test_find_overlaps_names_the_round_the_other_panelist_and_how_sure():
    mine = [
        "What is making you want to leave your current role?",
        "How would you design an idempotent backfill?",
        "When could you start?",
    ]
    others = {"UCARLOS": ["What's your earliest possible start date?"]}
    found = find_overlaps(mine, EARLIER, others)
    assert [(o.index, o.round_number, o.panelist_id) for o in found] == [
        (0, 1, None),
        (2, None, "UCARLOS"),
    ]
    assert found[0].repeats == "Why are you leaving your current job?"
    assert found[0].topic == "reasons for leaving"
    assert found[1].topic == "the start date"
    assert all(0.5 < o.score <= 1 and o.confidence in ("likely", "very likely") for o in found)
    assert find_overlaps([], EARLIER, others) == []
    assert find_overlaps(mine, (), {}) == []
    legacy = find_overlaps(mine, EARLIER, others, matcher=matchers.build("legacy"))
    assert [o.index for o in legacy] == [0]  # the old scorer missed the start date


def test_coverage_per_focus_area_counts_plans_and_each_repeat_once():
    seats = [
        SeatPlan("UPAT", "Technical depth", ("When could you start?",)),
        SeatPlan("UPRIYA", "Technical depth", ()),
        SeatPlan(
            "UCARLOS",
            "Stakeholder alignment",
            (
                "What's your earliest possible start date?",
                "Tell me about yourself.",
                "How do you keep stakeholders informed?",
            ),
        ),
        SeatPlan("ULEE", "Leadership", ()),
    ]
    result = coverage(seats, EARLIER)
    areas = {a.focus: a for a in result.areas}
    assert list(areas) == ["Technical depth", "Stakeholder alignment", "Leadership"]
    tech = areas["Technical depth"]
    assert (tech.panelist_ids, tech.planned, tech.not_planned, tech.overlaps) == (
        ("UPAT", "UPRIYA"),
        1,
        ("UPRIYA",),
        1,
    )
    stake = areas["Stakeholder alignment"]
    assert (stake.planned, stake.not_planned, stake.overlaps) == (3, (), 1)
    assert areas["Leadership"].planned == 0
    # Pat and Carlos asking the same thing is one overlap, under Pat (seated first).
    assert [(o.planner_id, o.panelist_id, o.round_number) for o in result.overlaps] == [
        ("UPAT", "UCARLOS", None),
        ("UCARLOS", None, 1),
    ]
    assert result.anything_planned


def test_plan_text_is_one_question_per_line_without_list_markers():
    checked = plan.check("1. Why data?\n\n- How do you test?  \n•  What   next?\n")
    assert checked.errors == {}
    assert checked.questions == ("Why data?", "How do you test?", "What next?")


def test_plan_text_errors():
    assert "at least one" in plan.check("  \n \n").errors["questions"]
    assert "at least one" in plan.check(None).errors["questions"]
    too_many = "\n".join(f"Question {i}?" for i in range(21))
    assert "21 questions" in plan.check(too_many).errors["questions"]
    long_one = "Short?\n" + "x" * 301
    assert "Question 2 is 301 characters" in plan.check(long_one).errors["questions"]
    assert plan.check("y" * 300).errors == {}


def test_weights_files_are_valid_json_with_a_threshold(tmp_path):
    for kind in ("light", "semantic"):
        weights = matchers.weights_for(kind)
        assert 0 < weights.threshold < 1
        weights.dump(tmp_path / f"{kind}.json")
        assert json.loads((tmp_path / f"{kind}.json").read_text())["kind"] == kind


def test_pairs_files_read_labels_and_reject_bad_ones(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("a,b,repeat\nx,y,1\nz,w,no\n")
    assert [p.repeat for p in read_pairs(good)] == [True, False]
    unlabelled = tmp_path / "plain.csv"
    with unlabelled.open("w", newline="") as handle:
        csv.writer(handle).writerows([["a", "b"], ["Why us?", "Why this company?"]])
    assert read_pairs(unlabelled)[0].repeat is None
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,repeat\nx,y,maybe\n")
    with pytest.raises(ValueError, match=r"bad\.csv:2: repeat must be 1 or 0"):
        read_pairs(bad)
