"""Every notice of the port has an Adaptive Card, and the biggest ones stay valid and small."""

from __future__ import annotations

import json
import typing
from datetime import UTC, datetime

import pytest

from bot.followup.notices import DecisionAsk, FeedbackLine
from bot.panels.notices import PanelBrief
from bot.panels.request import Slot
from bot.people import Person
from bot.platform import FILE_NOTICES, Digest, Notice
from bot.prep.notices import PrepPacket, PrepReminder, RosterEntry
from bot.teams.cards import MAX_CARD_BYTES, card_problems, fill_mentions, mentioned, plain
from bot.teams.notices import render

MESSAGES = [t for t in typing.get_args(Notice) if t not in FILE_NOTICES]
READER = Person("c0000000-0000-4000-8000-000000000004", "Pat Peer", tz="Europe/Berlin")
WIDE = "W" * 3000  # every long field at its bound


@pytest.mark.parametrize("notice_type", MESSAGES, ids=lambda t: t.__name__)
def test_teams_renders_every_notice_of_the_port(notice_type: type) -> None:
    assert render.dispatch(notice_type) is not render.dispatch(object)


def brief(**changes) -> PanelBrief:
    values = dict(
        panel_id=7,
        reference="P-7",
        candidate_name="N" * 200,
        role_title="R" * 200,
        responsibilities=WIDE,
        round_number=2,
        slot=Slot(datetime(2026, 11, 27, 15, tzinfo=UTC), 60, "America/New_York"),
        format="case_study",
        location="L" * 500,
        resume_url="https://files.example.com/" + "x" * 1900,
        coordinator_id="c0000000-0000-4000-8000-000000000001",
    )
    values.update(changes)
    return PanelBrief(**values)


def people(n: int) -> list[str]:
    return [f"c0000000-0000-4000-8000-{i:012d}" for i in range(n)]


def biggest() -> list[Notice]:
    packet = PrepPacket(
        brief=brief(),
        recipient_id=READER.id,
        roster=tuple(
            RosterEntry(u, "N" * 200, "T" * 200, "F" * 200, "Leadership") for u in people(8)
        ),
        focus="F" * 200,
        perspective="Future peer",
        themes=("T" * 300,) * 6,
        evaluate=("E" * 300,) * 6,
        notes=tuple((r, WIDE) for r in range(1, 6)),
        covered=("Q" * 300,) * 60,
    )
    lines = tuple(
        FeedbackLine(u, "other", "D" * 200, "strong_yes", 4, WIDE, WIDE) for u in people(8)
    )
    decision = DecisionAsk(brief(), lines, excused=tuple(people(3)), missing=(), on_hold=WIDE)
    reminders = tuple(PrepReminder(brief(panel_id=i), "other", "D" * 200) for i in range(10))
    return [packet, decision, Digest(reminders)]


@pytest.mark.parametrize("notice", biggest(), ids=lambda n: type(n).__name__)
def test_the_biggest_cards_are_valid_and_under_80_kb(notice) -> None:
    _summary, content = render(notice, READER)
    names = {u: "N" * 100 for u in mentioned(json.dumps(content, ensure_ascii=False))}
    content = fill_mentions(content, names)
    size = len(json.dumps(content).encode())
    assert card_problems(content) == []
    assert size < MAX_CARD_BYTES, size


def test_an_invalid_card_is_caught() -> None:
    broken = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlok", "text": "x"}]}
    assert card_problems(broken) == ["card.body[0]: unknown element type 'TextBlok'"]
    missing = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "FactSet", "facts": [{"title": "a"}]}],
    }
    assert any("value is required" in p for p in card_problems(missing))
    huge = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "TextBlock", "text": "x" * 90_000}],
    }
    assert any("over" in p for p in card_problems(huge))


def test_user_text_cannot_become_markup() -> None:
    assert plain("*bold* _it_ [link](https://x) `code` <at>x</at>\u202e") == (
        "∗bold∗ ˍitˍ ［link］(https://x) ˋcodeˋ ‹at›x‹/at›"
    )
    assert plain("1. not a list").startswith("\u00a0")
