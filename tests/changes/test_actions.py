"""The change pipeline's vocabulary: every action is announced and worded exactly once."""

from __future__ import annotations

import pytest

from bot.changes.actions import LABELS, Action, label
from bot.changes.announce import ANNOUNCERS
from bot.panels.service import NotACoordinator, PanelService


def test_every_action_has_its_notices_and_its_history_wording():
    assert set(ANNOUNCERS) == set(Action)
    assert set(LABELS) == set(Action)
    assert len(set(LABELS.values())) == len(LABELS)  # no two actions read alike in history


def test_history_words_unknown_actions_readably():
    assert label("prep_confirmed") == "confirmed their prep"
    assert label("some_old_action") == "some old action"


def _coordinators_only(*allowed: str) -> PanelService:
    return PanelService(None, None, None, coordinators=lambda u: u in allowed)  # type: ignore[arg-type]


async def test_scheduling_is_refused_in_the_core_to_whoever_is_not_a_coordinator():
    """The rule lives in ``PanelService``, not in a listener: every surface (a modal, a Teams
    dialog, a script) gets the same refusal before anything is stored."""
    panels = _coordinators_only("UCOORD")
    assert panels.may_schedule("UCOORD") and not panels.may_schedule("UPEER")
    with pytest.raises(NotACoordinator, match="HIREBOT_COORDINATORS"):
        await panels.schedule("UPEER", None, ())  # type: ignore[arg-type]
    assert PanelService(None, None, None).may_schedule("UANYONE")  # type: ignore[arg-type]
