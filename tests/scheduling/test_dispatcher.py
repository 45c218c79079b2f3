"""The nudge engine through Slack's wire: planned on change, guarded, digested, retried.

Panels are scheduled, moved and cancelled with signed requests to the real app; nudges are
delivered by the real dispatcher to the loopback fake Slack, which records (and validates)
every message. The simulated clock decides what is due; leases run on the wall clock.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete

from bot.devtools.fake_slack import Fault
from bot.devtools.harness import Harness
from bot.devtools.people import COORDINATOR, CROSS, HIRING_MANAGER, LEADER, PEER, RECRUITER
from bot.models import Panelist
from tests.conftest import NOW
from tests.factories import scheduled
from tests.support.messages import dms

#: When the reminders of a panel scheduled by ``scheduled()`` (Fri 27 Nov, 15:00 UTC) fall due.
PEER_AND_LEADER_DUE = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # 16:00 Berlin, 10:00 New York
CROSS_DUE = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)  # held from 07:00 to 09:00 Los Angeles
ALL_REMINDERS_DUE = CROSS_DUE
ESCALATION_DUE = datetime(2026, 11, 27, 13, 0, tzinfo=UTC)  # 2 h before the start
ONLY_PEER = {PEER: ("technical_depth", "peer")}


@pytest.fixture
async def harness(database):
    """Start the real app on this test's database, with settings of the test's choosing."""
    url, connect_args = database
    async with contextlib.AsyncExitStack() as stack:
        started: list[Harness] = []

        async def start(**options) -> Harness:
            bot = await stack.enter_async_context(
                Harness.running(url, now=NOW, connect_args=connect_args, **options)
            )
            started.append(bot)
            return bot

        yield start
        for bot in started:
            assert bot.fake.violations == [], bot.fake.violations


async def by_key(bot: Harness) -> dict[str, str]:
    return {n.dedupe_key: n.status for n in await bot.nudges()}


async def test_a_scheduled_panel_reminds_each_panelist_once_in_their_own_hours(bot):
    await scheduled(bot, COORDINATOR)
    pending = {
        (n.kind, n.recipient_id): n
        for n in await bot.nudges(status="pending")
        if n.kind.startswith("prep_")  # what comes after the panel: tests/followup
    }
    assert set(pending) == {
        ("prep_reminder", PEER),
        ("prep_reminder", LEADER),
        ("prep_reminder", CROSS),
        ("prep_escalation", COORDINATOR),
        # At the start every packet loses its prep buttons.
        ("prep_packet_closed", PEER),
        ("prep_packet_closed", LEADER),
        ("prep_packet_closed", CROSS),
    }
    panel_start = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
    assert pending["prep_packet_closed", PEER].due_at == panel_start
    assert pending["prep_reminder", PEER].due_at == PEER_AND_LEADER_DUE
    assert pending["prep_reminder", CROSS].due_at == CROSS_DUE
    assert pending["prep_escalation", COORDINATOR].due_at == ESCALATION_DUE
    assert pending["prep_escalation", COORDINATOR].urgent

    report = await bot.run_nudges(PEER_AND_LEADER_DUE)
    assert (report.sent, report.messages) == (2, 2)
    assert dms(bot, CROSS, "Reminder") == []  # still 07:00 in Los Angeles

    report = await bot.run_nudges(CROSS_DUE)
    assert report.sent == 1
    reminder = dms(bot, CROSS, "Reminder")[0]
    assert "P-1" in reminder["text"] and "Ada Lovelace" in reminder["text"]
    assert "Fri 27 Nov 2026, 07:00 PST (60 min)" in reminder["text"]
    blocks = json.dumps(reminder["blocks"])
    assert "files.example.com/ada.pdf" in blocks and "Own the ingestion pipelines" in blocks
    assert "Fri 27 Nov 2026, 16:00 CET" in dms(bot, PEER, "Reminder")[0]["text"]

    assert (await bot.run_nudges(CROSS_DUE + timedelta(hours=1))).sent == 0  # never twice
    sent = await bot.nudges(status="sent", kind="prep_reminder")
    assert all(n.channel == bot.dm(n.recipient_id) and n.message_ts for n in sent)
    assert len(sent) == 3


async def test_the_coordinator_hears_who_is_unprepared_before_the_start(bot):
    await scheduled(bot, COORDINATOR)
    await bot.run_nudges(ALL_REMINDERS_DUE)
    report = await bot.run_nudges(ESCALATION_DUE)
    assert report.sent == 1
    alert = dms(bot, COORDINATOR, "not prepared")[0]
    assert "3 panelists not prepared yet" in alert["text"]
    assert all(f"<@{u}>" in json.dumps(alert["blocks"]) for u in (PEER, CROSS, LEADER))


async def test_reschedule_replans_and_notifies_each_person_once(bot):
    await scheduled(bot, COORDINATOR)
    before = {k: v for k, v in (await by_key(bot)).items() if v == "pending"}
    await bot.wire.command(RECRUITER, "reschedule P-1")
    view = (await bot.fake.wait_for("views.open", 2))[-1]["view"]
    new_start = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    fields = {**bot.local_fields(new_start, "Europe/London"), "duration": "90"}
    await bot.wire.submit(RECRUITER, view, fields)
    await bot.fake.wait_for("chat.postMessage", 5, where=lambda m: "moved P-1" in m["text"])
    await bot.unclaimed()

    after = await by_key(bot)
    assert {after[k] for k in before} == {"cancelled"}  # every old reminder is gone
    fresh = await bot.nudges(status="pending")
    assert {n.kind for n in fresh if n.kind.startswith("prep_")} == {
        "prep_reminder",
        "prep_escalation",
        "prep_packet_closed",
    }
    prep_keys = {n.dedupe_key for n in fresh if n.kind in ("prep_reminder", "prep_escalation")}
    assert prep_keys.isdisjoint(before)  # new days, new keys
    assert all(
        ":v1@20261201T140000Z" in n.dedupe_key
        for n in fresh
        if n.kind not in ("prep_reminder", "prep_escalation")
    )
    assert min(n.due_at for n in fresh) == datetime(2026, 11, 30, 14, 0, tzinfo=UTC)

    # Every panelist, the hiring manager and the recruiter (a receipt) heard once, even after
    # more runs.
    await bot.run_nudges()
    await bot.run_nudges(bot.later(minutes=5))
    moved = Counter(
        m["channel"] for m in bot.fake.calls_to("chat.postMessage") if "moved P-1" in m["text"]
    )
    assert moved == Counter(
        {bot.dm(u): 1 for u in (PEER, CROSS, LEADER, HIRING_MANAGER, RECRUITER)}
    )
    # The old reminder time passes quietly; the new one reminds.
    assert (await bot.run_nudges(ALL_REMINDERS_DUE)).sent == 0
    assert (await bot.run_nudges(datetime(2026, 11, 30, 17, 0, tzinfo=UTC))).sent == 3


async def test_cancel_drops_pending_nudges_and_tells_the_panel_once(bot):
    await scheduled(bot, COORDINATOR)
    await bot.wire.command(HIRING_MANAGER, "cancel P-1")
    view = (await bot.fake.wait_for("views.open", 2))[-1]["view"]
    await bot.wire.submit(HIRING_MANAGER, view, {"reason": "The candidate withdrew"})
    await bot.fake.wait_for("chat.postMessage", 5, where=lambda m: "cancelled P-1" in m["text"])
    await bot.unclaimed()

    statuses = Counter((n.kind, n.status) for n in await bot.nudges())
    assert statuses[("prep_reminder", "cancelled")] == 3
    assert statuses[("prep_escalation", "cancelled")] == 1
    # Three panelists, the receipt for the hiring manager, and the recruiter.
    assert statuses[("panel_cancelled", "sent")] == 5
    assert (await bot.run_nudges(ESCALATION_DUE)).messages == 0
    cancelled = [m for m in bot.fake.calls_to("chat.postMessage") if "cancelled P-1" in m["text"]]
    assert len(cancelled) == 5


async def test_guards_skip_what_no_longer_applies_and_say_why(bot):
    await scheduled(bot, COORDINATOR)
    async with bot.db.session() as session:  # Pat leaves the panel (no re-plan ran)
        await session.execute(delete(Panelist).where(Panelist.user_id == PEER))
    report = await bot.run_nudges(PEER_AND_LEADER_DUE)
    assert (report.sent, report.skipped) == (1, 1)
    (skipped,) = await bot.nudges(status="skipped")
    assert skipped.recipient_id == PEER and skipped.last_error == "no longer on the panel"
    assert dms(bot, PEER, "Reminder") == []

    # Slack was down all day: by the time it is back, the panel has started. The reminder and
    # the escalation are skipped, and so is closing the packet of Pat, who left; the two
    # packets still on the panel lose their buttons.
    report = await bot.run_nudges(datetime(2026, 11, 27, 15, 30, tzinfo=UTC))
    assert (report.sent, report.skipped) == (2, 3)
    reasons = {n.last_error for n in await bot.nudges(status="skipped")}
    assert "panel already started" in reasons


async def test_a_notice_of_a_move_is_dropped_once_the_panel_is_cancelled(harness):
    bot = await harness()
    await scheduled(bot, COORDINATOR)
    slot = (await bot.services.panels.get(1)).starts_at + timedelta(days=1)
    from bot.panels.request import Slot

    bot.services.pipeline.deliver_with(None)  # nothing goes between the two changes
    await bot.services.panels.reschedule(COORDINATOR, 1, Slot(slot, 60, "UTC"))
    await bot.services.panels.cancel(COORDINATOR, 1, "Role closed")
    posted = len(bot.fake.calls_to("chat.postMessage"))  # the confirmation and the packets
    await bot.run_nudges()
    moved = await bot.nudges(kind="panel_rescheduled")
    assert {(n.status, n.last_error) for n in moved} == {("skipped", "panel cancelled")}
    assert len(moved) == 6  # moved notices skipped, cancellations sent
    assert len(await bot.nudges(kind="panel_cancelled", status="sent")) == 6
    # (the packets were updated in place, with chat.update: no new message)
    assert all("cancelled P-1" in m["text"] for m in bot.fake.calls_to("chat.postMessage")[posted:])


async def test_nudges_due_together_for_one_person_arrive_as_one_digest(bot):
    await scheduled(bot, COORDINATOR)
    await scheduled(bot, COORDINATOR, candidate="Grace Hopper")
    report = await bot.run_nudges(ALL_REMINDERS_DUE)
    assert (report.sent, report.messages) == (6, 3)
    (digest,) = dms(bot, PEER, "updates")
    assert digest["text"].startswith("2 updates:")
    assert "Ada Lovelace" in digest["text"] and "Grace Hopper" in digest["text"]
    assert len(digest["blocks"]) <= 50


async def test_a_rate_limited_recipient_waits_without_holding_up_the_others(bot):
    await scheduled(bot, COORDINATOR)
    bot.fake.fail_next("chat.postMessage", Fault(status=429, retry_after=7))
    report = await bot.run_nudges(ALL_REMINDERS_DUE)
    assert (report.sent, report.retry_later) == (2, 1)
    (waiting,) = await bot.nudges(status="pending", kind="prep_reminder")
    assert waiting.due_at == ALL_REMINDERS_DUE + timedelta(seconds=7)
    assert waiting.attempts == 0 and "rate limited" in waiting.last_error

    assert (await bot.run_nudges(bot.later(seconds=6))).sent == 0
    assert (await bot.run_nudges(bot.later(seconds=1))).sent == 1
    reminders = [m for m in bot.fake.calls_to("chat.postMessage") if "Reminder" in m["text"]]
    assert len(reminders) == 3


async def test_server_errors_back_off_with_jitter_then_deliver(bot):
    await scheduled(bot, COORDINATOR, seats=ONLY_PEER)
    bot.fake.fail_next("chat.postMessage", Fault(status=500), times=2)
    report = await bot.run_nudges(PEER_AND_LEADER_DUE)
    assert (report.sent, report.retry_later) == (0, 1)
    (nudge,) = await bot.nudges(status="pending", kind="prep_reminder")
    first_wait = nudge.due_at - PEER_AND_LEADER_DUE
    assert nudge.attempts == 1 and timedelta(seconds=30) <= first_wait <= timedelta(seconds=60)

    await bot.run_nudges(nudge.due_at)
    (nudge,) = await bot.nudges(status="pending", kind="prep_reminder")
    assert nudge.attempts == 2 and nudge.due_at - bot.clock.now() >= timedelta(seconds=60)

    assert (await bot.run_nudges(nudge.due_at)).sent == 1
    assert len(dms(bot, PEER, "Reminder")) == 1


async def test_timeouts_are_retried(harness):
    bot = await harness(dispatch_timeout=0.3)
    await scheduled(bot, COORDINATOR, seats=ONLY_PEER)
    bot.fake.fail_next("chat.postMessage", Fault(status=200, delay=1.0))
    report = await bot.run_nudges(PEER_AND_LEADER_DUE)
    assert report.retry_later == 1
    (nudge,) = await bot.nudges(kind="prep_reminder")
    assert nudge.attempts == 1 and "Timeout" in nudge.last_error
    assert (await bot.run_nudges(nudge.due_at)).sent == 1


async def test_after_the_last_attempt_the_nudge_fails_and_the_coordinator_is_told(harness):
    bot = await harness(dispatch_max_attempts=2)
    await scheduled(bot, COORDINATOR, seats=ONLY_PEER)
    bot.fake.fail_next("chat.postMessage", Fault(status=503), times=2)
    await bot.run_nudges(PEER_AND_LEADER_DUE)
    (nudge,) = await bot.nudges(kind="prep_reminder")
    report = await bot.run_nudges(nudge.due_at)
    assert report.failed == 1
    (failed,) = await bot.nudges(status="failed")
    assert failed.attempts == 2 and "internal_error" in failed.last_error

    await bot.run_nudges()  # the breaker's probe: Slack is back, the coordinator hears
    (told,) = dms(bot, COORDINATOR, "couldn't deliver")
    assert "prep reminder for P-1 to <@UPAT0001>" in told["text"]


async def test_a_recipient_who_is_gone_fails_at_once_and_the_coordinator_is_told(bot):
    await scheduled(bot, COORDINATOR, seats=ONLY_PEER)
    del bot.fake.users[PEER]  # deactivated since
    report = await bot.run_nudges(PEER_AND_LEADER_DUE)
    assert (report.failed, report.sent) == (1, 1)  # the failure notice went out in the same run
    (failed,) = await bot.nudges(status="failed")
    assert failed.attempts == 1 and "channel_not_found" in failed.last_error
    assert dms(bot, COORDINATOR, "couldn't deliver")


async def test_a_long_outage_delays_nudges_and_loses_none(bot):
    await scheduled(bot, COORDINATOR)
    await scheduled(bot, COORDINATOR, candidate="Grace Hopper")
    port = int(bot.fake.base_url.split(":")[2].split("/")[0])
    await bot.fake.stop()  # Slack is unreachable: every call is refused
    calls_before = len(bot.fake.calls)

    bot.clock.set(ALL_REMINDERS_DUE)
    for _tick in range(60):  # ten minutes of ticks every 10 s
        report = await bot.run_nudges(bot.later(seconds=10))
        assert report.sent == report.failed == 0
    attempts = [n.attempts for n in await bot.nudges(kind="prep_reminder")]
    assert sum(attempts) <= 60 and max(attempts) < bot.settings.dispatch_max_attempts

    await bot.fake.start(port=port)  # Slack is back
    assert len(bot.fake.calls) == calls_before
    for _tick in range(120):
        await bot.run_nudges(bot.later(seconds=10))
        if not await bot.nudges(status="pending", kind="prep_reminder"):
            break
    reminders = Counter(
        m["channel"]
        for m in bot.fake.calls_to("chat.postMessage")
        if "Reminder" in m["text"] and "Ada" in m["text"]
    )
    assert reminders == Counter({bot.dm(u): 1 for u in (PEER, CROSS, LEADER)})
    assert await bot.nudges(status="failed") == []
    assert len(await bot.nudges(status="sent", kind="prep_reminder")) == 6
