"""The prep forms' checks, as every platform's form shows them next to the field."""

from __future__ import annotations

from bot.panels import bounds
from bot.prep.forms import DECLINE_REASON, REPLACEMENT, check_decline, check_replacement


def test_a_decline_needs_a_reason_within_its_bound():
    assert check_decline({}).errors == {DECLINE_REASON: "Please say why, in a few words."}
    assert check_decline({DECLINE_REASON: "   "}).errors[DECLINE_REASON]
    too_long = "x" * (bounds.DECLINE_REASON.max_length + 1)
    assert DECLINE_REASON in check_decline({DECLINE_REASON: too_long}).errors
    ok = check_decline({DECLINE_REASON: "  On leave that week  "})
    assert (ok.value, ok.errors) == ("On leave that week", {})


def test_a_replacement_must_be_chosen():
    assert check_replacement({}).errors == {REPLACEMENT: "Pick the replacement."}
    assert check_replacement({REPLACEMENT: ""}).errors == {REPLACEMENT: "Pick the replacement."}
    chosen = check_replacement({REPLACEMENT: "U0NEW"})
    assert (chosen.value, chosen.errors) == ("U0NEW", {})
