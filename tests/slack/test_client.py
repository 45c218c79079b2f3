"""The Web API client retries what is worth retrying, through the real HTTP stack."""

from __future__ import annotations

import dataclasses
import json

import pytest

from bot.devtools.fake_slack import Fault
from bot.devtools.people import COORDINATOR
from bot.slack.client import SlackRecipientGone, SlackRejected, classify
from tests.factories import scheduled


@pytest.mark.parametrize(
    "fault",
    [
        Fault(status=429, retry_after=1),
        Fault(status=500),
        Fault(status=503),
        Fault(disconnect=True),
    ],
    ids=["429-retry-after", "500", "503", "dropped-connection"],
)
async def test_confirmation_survives_one_transient_failure(bot, fault):
    """The coordinator's confirmation is an outbox nudge: a failed first send leaves it
    pending, and a later run (Retry-After, or the backoff) delivers it exactly once."""
    to_coordinator = (COORDINATOR, bot.dm(COORDINATOR))  # the packets go to the panelists
    aimed = dataclasses.replace(fault, where=lambda args: args.get("channel") in to_coordinator)
    bot.fake.fail_next("chat.postMessage", aimed)
    await scheduled(bot, COORDINATOR, confirmed=False)
    (confirmation,) = await bot.nudges(kind="panel_scheduled")
    assert confirmation.status == "pending" and confirmation.due_at > bot.clock.now()
    await bot.run_nudges(bot.later(hours=1))
    await bot.run_nudges(bot.later(hours=1))  # and never twice
    attempts = [
        c
        for c in bot.fake.calls
        if c.method == "chat.postMessage" and c.args.get("channel") in to_coordinator
    ]
    assert [c.ok for c in attempts] == [False, True]
    assert len(bot.fake.dms_to(COORDINATOR)) == 1
    assert "Panel P-1 scheduled" in json.dumps(bot.fake.dms_to(COORDINATOR)[0]["blocks"])


async def test_errors_are_typed(bot):
    client = bot.services.slack.client
    with pytest.raises(Exception) as gone:
        await client.conversations_open(users="UNOBODY")
    assert isinstance(classify("conversations.open", gone.value), SlackRecipientGone)
    with pytest.raises(Exception) as rejected:
        await client.chat_postMessage(channel="DPAT0001")  # no text: Slack says no_text
    assert isinstance(classify("chat.postMessage", rejected.value), SlackRejected)
