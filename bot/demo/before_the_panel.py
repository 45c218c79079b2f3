"""Before the panel: Cora schedules Ada's panel (a form mistake comes back as field errors),
every panelist gets a prep packet in their own time zone, Pat confirms and plans his questions,
a second panel, /panel list and status, privacy, rescheduling and cancelling."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo.cast import (
    ADA_MOVED,
    ADA_SEATS,
    ADA_START,
    GRACE_SEATS,
    GRACE_START,
    NEW_YORK,
    NOW,
    ada_form,
)
from bot.demo.story import Story, all_text
from bot.devtools.fake_slack import dm_channel
from bot.devtools.people import (
    COORDINATOR,
    CROSS,
    HIRING_MANAGER,
    LEADER,
    OUTSIDER,
    PEER,
    PEER2,
    RECRUITER,
)
from bot.slack import ids


class BeforeThePanel(Story):
    """From the scheduling modal to the cancelled second panel, on Monday 2 March 2026."""

    async def play(self) -> None:
        t = self.t
        await self.schedule_ada()
        await self.prep_packets()
        await self.list_and_status()
        await self.unprepared_alert()
        await self.outsider()
        await self.reschedule()
        await self.cancel()
        self.banner("Where things stand")
        listing = await self.reply(COORDINATOR, "list")
        t.sees(COORDINATOR, "a private reply")
        t.message(listing)

    async def schedule_ada(self) -> None:
        t, coordinator = self.t, COORDINATOR
        self.banner("Cora schedules a panel for Ada Lovelace")
        view = await self.opens(coordinator, "new Ada Lovelace")
        t.sees(coordinator, "a modal")
        t.view(view)
        t.note(
            "The candidate's name came from the command; the date defaults to tomorrow, 10:00 in"
            " Cora's own time zone."
        )

        self.banner("A mistake comes back as field errors")
        good = ada_form(self.h)
        yesterday = (NOW.astimezone(ZoneInfo(NEW_YORK)) - timedelta(days=1)).date()
        bad = {**good, "start_date": yesterday.isoformat(), "duration": "500"}
        t.act(coordinator, "fills in the form (with yesterday's date and 500 minutes by mistake):")
        t.fields(view, bad)
        t.act(coordinator, "presses [Next]")
        answer = await self.submit(coordinator, view, bad)
        errors = answer.get("errors") or {}
        self.expect(
            answer.get("response_action") == "errors" and {"start_date", "duration"} <= set(errors),
            f"the bad form should come back with errors for date and duration, got {answer}",
        )
        t.sees(coordinator, "the modal again")
        t.view(view, values=bad, errors=errors, only=errors)
        t.note("Nothing is saved and nothing she typed is lost: she fixes the two fields.")
        fixes = {"start_date": good["start_date"], "duration": good["duration"]}
        t.act(coordinator, "corrects the fields and presses [Next]:")
        t.fields(view, fixes)
        answer = await self.submit(coordinator, view, good)
        self.expect(
            answer.get("response_action") == "push" and answer.get("view"),
            f"the corrected form should move on to step two, got {answer}",
        )

        self.banner("Step two: a distinct focus for each panelist")
        focus_view = answer["view"]
        seats: dict[str, Any] = {}
        for user_id, (focus, perspective, *detail) in ADA_SEATS.items():
            seats[f"focus:{user_id}"] = focus
            seats[f"detail:{user_id}"] = "".join(detail)
            seats[f"perspective:{user_id}"] = perspective
        t.note("HireBot pushes the form's second step; shown here as Cora fills it in.")
        t.sees(coordinator, "step two")
        t.view(focus_view, values=seats)
        t.act(coordinator, "presses [Schedule]")
        before = self.dm_counts(coordinator)
        answer = await self.submit(coordinator, focus_view, seats)
        self.expect(
            answer == {"response_action": "clear"}, f"scheduling should close the modal: {answer}"
        )
        self.tally.scheduled += 1

        self.banner("Cora's confirmation: summary, composition check, note for the candidate")
        confirmation = (await self.new_dms(before))[coordinator]
        t.sees(coordinator, "a DM")
        t.message(confirmation)
        text = all_text(confirmation)
        self.expect("P-1" in text, "the confirmation should name the panel P-1")
        for warning in ("already interviewed this candidate", "Nobody covers culture and values"):
            self.expect(warning in text, f"the composition check should warn: {warning!r}")
        t.note(
            "The check only warns, never blocks: Priya interviewed Ada in round 1 (Cora listed her"
            " under Round 1 interviewers), and nobody on the panel covers culture and values."
        )

    async def prep_packets(self) -> None:
        t, h = self.t, self.h
        self.banner("Every panelist gets a prep packet, in their own time zone")
        await h.settled()
        channel = dm_channel(PEER)
        packets = [
            (ts, m)
            for (ch, ts), m in self.fake.messages.items()
            if ch == channel and m.get("text", "").startswith("Prep packet for P-1")
        ]
        self.expect(packets, "Pat should have been sent a prep packet for P-1")
        ts, packet = packets[-1]
        t.sees(PEER, "a DM")
        t.message(packet)
        invited = self.fake.calls_to("files.completeUploadExternal", channel_id=channel)
        self.expect(invited, "Pat should get a calendar invite with the packet")
        t.note(
            "A calendar invite (P-1-invite.ics) follows each packet, with every panelist as an"
            " attendee; the candidate's name is only in its description, never in its title."
        )

        self.banner("Pat has read everything and confirms")
        t.act(PEER, "presses [I've reviewed the materials]")
        before = len(self.fake.calls_to("chat.update"))
        container = {"type": "message", "message_ts": ts, "channel_id": channel}
        await h.wire.click(PEER, ids.PREP_CONFIRM, "1", container=container, message={"ts": ts})
        updated = (await self.fake.wait_for("chat.update", before + 1))[-1]
        text = all_text(updated)
        self.expect(
            "You've reviewed the materials" in text,
            f"Pat's packet should show his confirmation: {text[-300:]!r}",
        )
        t.sees(PEER, "the same packet, updated in place")
        blocks = updated.get("blocks") or []
        t.message({"blocks": blocks[-3:]})
        t.note("His prep reminder is cancelled: nobody is reminded of work already done.")
        await self.plan_questions(container, ts)

    async def plan_questions(self, container: dict[str, Any], ts: str) -> None:
        """Pat plans his questions; one repeats round 1's and is flagged before the panel."""
        t, h = self.t, self.h
        self.banner("Pat plans his questions: a repeat of round 1 is caught")
        t.act(PEER, "presses [Plan my questions]")
        before = len(self.fake.calls_to("views.open"))
        await h.wire.click(
            PEER, ids.PREP_PLAN_QUESTIONS, "1", container=container, message={"ts": ts}
        )
        view = (await self.fake.wait_for("views.open", before + 1))[-1]["view"]
        values = {
            "questions": "What is making you want to leave your current role?\n"
            "How would you design idempotent retries for a payments webhook?\n"
            "What would you change first in an on-call rotation that pages too often?"
        }
        t.sees(PEER, "a modal")
        t.view(view, values=values)
        answer = await self.submit(PEER, view, values)
        flagged = answer.get("view") or {}
        self.expect(
            answer.get("response_action") == "update" and "round 1" in all_text(flagged),
            f"the repeat of round 1 should be flagged in the modal: {answer}",
        )
        t.sees(PEER, "the modal, updated: what repeats what, and a chance to edit")
        t.view(flagged)
        t.note(
            "The coordinator's /panel status shows coverage per focus area and any overlap"
            " left; nothing is blocked, the panelist decides."
        )

    async def unprepared_alert(self) -> None:
        t, h = self.t, self.h
        self.banner("Two hours before: Cora hears exactly who is unprepared")
        t.note(
            "The clock jumps to Wednesday 4 March, 08:00 in New York. The day before, everyone"
            " who had not confirmed got a reminder in their own working hours (Pat did not)."
        )
        before = self.dm_counts(COORDINATOR)
        await h.run_nudges(ADA_START - timedelta(hours=2))
        alert = (await self.new_dms(before))[COORDINATOR]
        text = all_text(alert)
        for user_id in (CROSS, PEER2, LEADER):
            self.expect(f"<@{user_id}>" in text, f"the alert should name {user_id}: {text!r}")
        self.expect(f"<@{PEER}>" not in text, "Pat confirmed: the alert must not name him")
        t.sees(COORDINATOR, "a DM")
        t.message(alert)
        t.note(
            "[Remind them now] reminds exactly these people at once (a double click reminds"
            " nobody twice); only the panel's coordinator, hiring manager or recruiter may use it."
        )

    async def list_and_status(self) -> None:
        t, coordinator = self.t, COORDINATOR
        self.banner("A second panel; /panel list and /panel status")
        t.note("Cora schedules Grace Hopper the same way (the form is not shown again).")
        basics = {
            "candidate": "Grace Hopper",
            "role_title": "Staff Analytics Engineer",
            "responsibilities": "Lead the metrics layer; mentor analysts.",
            "round": "2",
            **self.h.local_fields(GRACE_START, NEW_YORK),
            "duration": "90",
            "format": "case_study",
            "location": "Room 4.2 (Hopper)",
            "hiring_manager": HIRING_MANAGER,
            "recruiter": RECRUITER,
            "resume_url": "https://files.example.com/grace-hopper.pdf",
        }
        panel = await self.h.schedule(coordinator, basics, GRACE_SEATS)
        self.tally.scheduled += 1
        self.expect(panel.reference == "P-2", f"the second panel should be P-2: {panel.reference}")
        t.note(f"HireBot confirms by DM: “{self.fake.dms_to(coordinator)[-1]['text']}”")

        listing = await self.reply(coordinator, "list")
        t.sees(coordinator, "a private reply")
        t.message(listing)

        status = await self.reply(coordinator, "status P-1")
        t.sees(coordinator, "a private reply")
        t.message(status)

    async def outsider(self) -> None:
        t = self.t
        self.banner("Privacy: someone who is not on the panel asks")
        answer = await self.reply(OUTSIDER, "status P-1")
        t.sees(OUTSIDER, "a private reply")
        t.message(answer)
        self.expect("can't find" in answer.get("text", ""), f"the outsider was told: {answer}")
        t.note(
            "Oliver is not on P-1, so for him it does not exist: the same answer as for a panel"
            " that was never scheduled."
        )

    async def reschedule(self) -> None:
        t, coordinator = self.t, COORDINATOR
        self.banner("Rescheduling: every panelist is told, in their own time zone")
        view = await self.opens(coordinator, "reschedule P-1")
        t.sees(coordinator, "a modal")
        t.view(view)
        values = {**self.h.local_fields(ADA_MOVED, NEW_YORK), "duration": "75"}
        t.act(coordinator, "picks Tuesday 10 March, 10:00 New York time, and presses [Reschedule]")
        people = (*ADA_SEATS, coordinator)
        before = self.dm_counts(*people)
        answer = await self.submit(coordinator, view, values)
        self.expect(not answer.get("errors"), f"the new time should be accepted: {answer}")
        notices = await self.new_dms(before)
        self.tally.rescheduled += 1
        berlin = notices[PEER].get("text", "")
        self.expect(
            "16:00 CET to Tue 10 Mar 2026, 15:00 CET" in berlin,
            f"Pat should be told the new time in Berlin time: {berlin!r}",
        )
        t.note(
            "US clocks went forward on 8 March, Europe's not until 29 March: the panel stays at"
            " 10:00 in New York but moves from 16:00 to 15:00 in Berlin."
        )
        for i, user_id in enumerate(people):
            t.sees(user_id, "a DM")
            if i == 0:
                t.message(notices[user_id])
            else:
                t.message(notices[user_id], first=1, rest="the panel card, in their time zone")

    async def cancel(self) -> None:
        t, coordinator = self.t, COORDINATOR
        self.banner("Cancelling: Grace Hopper withdrew")
        view = await self.opens(coordinator, "cancel P-2")
        t.sees(coordinator, "a modal")
        t.view(view)
        reason = "Grace accepted another offer. Thank you all for making time."
        t.act(coordinator, "gives a reason and presses [Cancel panel]:")
        t.fields(view, {"reason": reason})
        people = (*GRACE_SEATS, coordinator)
        before = self.dm_counts(*people)
        answer = await self.submit(coordinator, view, {"reason": reason})
        self.expect(not answer.get("errors"), f"the cancellation should go through: {answer}")
        notices = await self.new_dms(before)
        self.tally.cancelled += 1
        for user_id in people:
            t.sees(user_id, "a DM")
            t.message(notices[user_id])
