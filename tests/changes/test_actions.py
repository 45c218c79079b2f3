"""The change pipeline's vocabulary: every action is announced and worded exactly once."""

from __future__ import annotations

from bot.changes.actions import LABELS, Action, label
from bot.changes.announce import ANNOUNCERS


def test_every_action_has_its_notices_and_its_history_wording():
    assert set(ANNOUNCERS) == set(Action)
    assert set(LABELS) == set(Action)
    assert len(set(LABELS.values())) == len(LABELS)  # no two actions read alike in history


def test_history_words_unknown_actions_readably():
    assert label("prep_confirmed") == "confirmed their prep"
    assert label("some_old_action") == "some old action"
