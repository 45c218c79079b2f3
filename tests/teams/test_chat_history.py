"""Reading HireBot's 1:1 chat back through Graph (what a takeover does before resending)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.delivery import FileToShare
from bot.devtools.teams_wire import PEER


def invite(i: int) -> FileToShare:
    return FileToShare(f"invite-{i}.ics", b"BEGIN:VCALENDAR", f"Invite {i}", "Add it")


async def test_the_chat_is_read_newest_first_page_by_page_back_to_when_asked(teams):
    """Sixty cards after the moment asked about (two of Graph's pages) and five before it;
    the chat's Graph id names the bot first here, which the reader finds out and remembers."""
    teams.fake.chat_id_bot_first = True
    await teams.wire.install(PEER)
    platform = teams.bot.services.teams.platform
    person = await platform.directory.person(PEER)
    for i in range(5):
        await platform.send_file(person, invite(i))
    await asyncio.sleep(0.05)
    since = datetime.now(UTC)
    await asyncio.sleep(0.05)
    before = len(teams.fake.activities)  # the welcome card and the first five
    for i in range(5, 65):
        await platform.send_file(person, invite(i))

    posted = await platform.posted_since(person, since)

    assert [p.file_name for p in posted] == [f"invite-{i}.ics" for i in reversed(range(5, 65))]
    assert all(p.delivery.channel == PEER for p in posted)
    sent_ids = [a for (_conv, a) in teams.fake.activities]
    assert {p.delivery.message_id for p in posted} == set(sent_ids[before:])  # activity ids
    reads = teams.fake.calls_to("graph.chatMessages")
    user_first = f"19:{PEER}_{teams.fake.app_id}@unq.gbl.spaces"
    assert [c.path.split("/")[4] for c in reads] == [
        user_first,  # 404: not this order
        teams.fake.graph_chat_id(PEER),
        teams.fake.graph_chat_id(PEER),  # the second page, through @odata.nextLink
    ]
    assert reads[0].body == {"$top": "50", "$orderby": "createdDateTime desc"}

    again = await platform.posted_since(person, datetime.now(UTC) - timedelta(minutes=5))
    assert len(again) == 65  # every invite; the welcome card carries no marker
    later = teams.fake.calls_to("graph.chatMessages")[len(reads) :]
    assert all(c.path.split("/")[4] == teams.fake.graph_chat_id(PEER) for c in later)


async def test_a_card_someone_else_sent_or_hirebot_did_not_mark_is_not_taken_for_a_send(teams):
    await teams.wire.install(PEER)
    platform = teams.bot.services.teams.platform
    since = datetime.now(UTC) - timedelta(seconds=5)
    await platform.reply_privately(PEER, "Your panel list is empty.")  # no nudge, no file
    person = await platform.directory.person(PEER)
    assert await platform.posted_since(person, since) == []
    assert teams.fake.calls_to("graph.chatMessages")
