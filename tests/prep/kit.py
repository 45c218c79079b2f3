"""Shared steps for the prep tests: a panelist's packet as it stands, and clicks on it through
Slack's wire."""

from __future__ import annotations

from sqlalchemy import select

from bot.models import Panelist


async def seats(bot) -> dict[str, Panelist]:
    async with bot.db.session() as session:
        return {p.user_id: p for p in await session.scalars(select(Panelist))}


async def packet_of(bot, user_id: str) -> tuple[str, str, dict]:
    """(channel, ts, the message as it stands now) of a panelist's packet."""
    seat = (await seats(bot))[user_id]
    return (
        seat.packet_channel,
        seat.packet_ts,
        bot.fake.messages[(seat.packet_channel, seat.packet_ts)],
    )


async def click_packet(bot, clicker: str, owner: str, action_id: str):
    channel, ts, _ = await packet_of(bot, owner)
    container = {"type": "message", "message_ts": ts, "channel_id": channel}
    response = await bot.wire.click(
        clicker, action_id, "1", container=container, message={"ts": ts}
    )
    assert response.status_code == 200
    return response


async def updates_of(bot, user_id: str) -> list[dict]:
    channel, ts, _ = await packet_of(bot, user_id)
    return bot.fake.calls_to("chat.update", channel=channel, ts=ts)
