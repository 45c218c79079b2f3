"""``hirebot demo``: the whole scheduling story on this machine, with no Slack account.

The real app (the same ASGI app ``hirebot serve`` runs) is driven over Slack's wire: commands and
form submissions are signed and posted to it as Slack would, and its Web API calls travel over
HTTP to the fake Slack on loopback, which records them. A simulated clock fixes "now", and a
throwaway SQLite database lives in a temporary directory. The transcript shows what each person
would see in Slack, in their own time zone.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sys
import tempfile
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

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
    ROUND1,
)
from bot.devtools.transcript import WIDTH, Transcript
from bot.slack import ids

if TYPE_CHECKING:
    import httpx

    from bot.devtools.harness import Harness

NEW_YORK = "America/New_York"
UTC = ZoneInfo("UTC")


def _at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A New York wall-clock time as a UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(NEW_YORK)).astimezone(UTC)


#: The simulated "now": Monday 2 March 2026, 09:00 in New York (before US and EU clock changes).
NOW = _at(2026, 3, 2, 9)
#: Ada's panel: Wednesday 4 March, 10:00 New York.
ADA_START = _at(2026, 3, 4, 10)
#: ...moved to Tuesday 10 March, 10:00 New York: after the US clock change, before Europe's.
ADA_MOVED = _at(2026, 3, 10, 10)
#: Grace's panel: Thursday 5 March, 11:00 New York.
GRACE_START = _at(2026, 3, 5, 11)

ADA_SEATS = {
    PEER: ("technical_depth", "peer"),
    CROSS: ("stakeholder_alignment", "cross_functional"),
    PEER2: ("case_review", "peer"),
    LEADER: ("other", "leadership", "Scope and ambition"),
}
GRACE_SEATS = {
    PEER: ("technical_depth", "peer"),
    CROSS: ("stakeholder_alignment", "cross_functional"),
    LEADER: ("culture_values", "leadership"),
}


class DemoError(Exception):
    """The app did not do what the story expects."""


def _ada_form(harness: Harness) -> dict[str, Any]:
    return {
        "candidate": "Ada Lovelace",
        "role_title": "Senior Data Engineer",
        "responsibilities": (
            "Own the ingestion pipelines and the data contracts with the product teams."
        ),
        "round": "2",
        **harness.local_fields(ADA_START, NEW_YORK),
        "duration": "75",
        "format": "conversation",
        "location": "https://meet.example.com/ada-lovelace",
        "panelists": list(ADA_SEATS),
        "hiring_manager": HIRING_MANAGER,
        "recruiter": RECRUITER,
        "resume_url": "https://files.example.com/ada-lovelace.pdf",
        "prior_notes": "Strong SQL and pipeline design. Probe ownership of incidents.",
        "prior_questions": "Walk me through a pipeline you built\nWhy are you leaving your job?",
        "prior_interviewers": [ROUND1, PEER2],
    }


class _Demo:
    def __init__(self, harness: Harness, transcript: Transcript) -> None:
        self.h = harness
        self.fake = harness.fake
        self.t = transcript
        self.step = 0
        self.scheduled = self.rescheduled = self.cancelled = 0
        # After the panel (``_AfterThePanel``).
        self.feedback = self.decided = self.updated = self.escalated = 0

    # ------------------------------------------------------------------ helpers
    def banner(self, title: str) -> None:
        self.step += 1
        self.t.banner(self.step, title)

    def expect(self, condition: object, problem: str) -> None:
        if not condition:
            raise DemoError(problem)

    def answered(self, response: httpx.Response) -> dict[str, Any]:
        self.expect(
            response.status_code == 200,
            f"the app answered HTTP {response.status_code}: {response.text[:200]}",
        )
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError:
            return {"text": response.text}

    async def command(self, user_id: str, text: str) -> dict[str, Any]:
        """Type ``/panel <text>``; returns the command's own answer (often empty)."""
        self.t.act(user_id, f"types  /panel {text}")
        return self.answered(await self.h.wire.command(user_id, text))

    async def opens(self, user_id: str, text: str) -> dict[str, Any]:
        """A command that opens a modal: returns the view the bot opened."""
        before = len(self.fake.calls_to("views.open"))
        await self.command(user_id, text)
        return (await self.fake.wait_for("views.open", before + 1))[-1]["view"]

    async def reply(self, user_id: str, text: str) -> dict[str, Any]:
        """A command answered only to the caller: in the HTTP answer or via response_url."""
        before = len(self.fake.calls_to("response_url"))
        body = await self.command(user_id, text)
        if body.get("text") or body.get("blocks"):
            return body
        return (await self.fake.wait_for("response_url", before + 1))[-1]

    def dm_counts(self, *user_ids: str) -> dict[str, int]:
        return {u: len(self.fake.dms_to(u)) for u in user_ids}

    async def new_dms(self, before: Mapping[str, int]) -> dict[str, dict[str, Any]]:
        """The next DM each person receives (listeners send after the ack: wait for them)."""
        received = {}
        for user_id, count in before.items():
            channel = dm_channel(user_id)
            found = await self.fake.wait_for(
                "chat.postMessage", count + 1, where=partial(_in_channel, channel)
            )
            received[user_id] = found[count]
        return received

    async def submit(
        self, user_id: str, view: dict[str, Any], values: dict[str, Any]
    ) -> dict[str, Any]:
        return self.answered(await self.h.wire.submit(user_id, view, values))

    # ------------------------------------------------------------------ the story
    async def play(self) -> None:
        t = self.t
        t.out(
            "HireBot demo: second-round interview panels, start to finish, on this machine.",
        )
        t.note(
            "The real app runs against a fake Slack on loopback: no Slack account, no network."
            " Each command and form is signed and posted to the app just as Slack would; every"
            " message the app sends lands in the fake, and is shown below as the person would"
            " see it. The clock is simulated: it is Monday 2 March 2026, 09:00 in New York."
        )
        t.note(
            "The team: Cora Coordinator (New York) schedules. Hank Hiring decides, Rita Recruiter"
            " talks to the candidate. Panelists: Pat Peer (Berlin), Carlos Cross (Los Angeles),"
            " Priya Peer (Kolkata) and Lee Leader (New York)."
        )
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
        await _AfterThePanel(self).play()

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
        good = _ada_form(self.h)
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
        self.scheduled += 1

        self.banner("Cora's confirmation: summary, composition check, note for the candidate")
        confirmation = (await self.new_dms(before))[coordinator]
        t.sees(coordinator, "a DM")
        t.message(confirmation)
        text = _all_text(confirmation)
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
        text = _all_text(updated)
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
            answer.get("response_action") == "update" and "round 1" in _all_text(flagged),
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
        text = _all_text(alert)
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
        self.scheduled += 1
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
        self.rescheduled += 1
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
        self.cancelled += 1
        for user_id in people:
            t.sees(user_id, "a DM")
            t.message(notices[user_id])


class _AfterThePanel:
    """The story after Ada's panel, on the simulated clock: feedback (one late, reminded), the
    decision, the candidate told; then a stalled candidate escalated to the coordinator."""

    def __init__(self, demo: _Demo) -> None:
        self.d = demo
        self.h = demo.h
        self.t = demo.t

    async def play(self) -> None:
        await self.feedback()
        await self.late_feedback()
        await self.decision()
        await self.candidate_told()
        await self.stalled_candidate()

    async def _run_until(self, kind: str, recipient: str) -> None:
        """Move the clock to when the next such nudge is due, and deliver what is due."""
        pending = [n for n in await self.h.nudges(status="pending", kind=kind)]
        due = [n.due_at for n in pending if n.recipient_id == recipient]
        self.d.expect(due, f"a {kind} for {self.t.name(recipient)} should be planned")
        await self.h.run_nudges(min(due))
        self.t.note(f"The clock moves on to {_local(min(due), recipient, self.h)}.")

    async def _click_and_open(self, user_id: str, action_id: str, value: str, label: str):
        before = len(self.h.fake.calls_to("views.open"))
        self.t.act(user_id, f"presses [{label}]")
        await self.h.wire.click(user_id, action_id, value)
        return (await self.h.fake.wait_for("views.open", before + 1))[-1]["view"]

    async def _settle(self) -> None:
        for _ in range(100):
            if not await self.h.nudges(status="claimed"):
                return
            await asyncio.sleep(0.02)

    async def _give(self, user_id: str, values: dict[str, Any], *, show: bool) -> None:
        from bot.slack import ids

        view = await self._click_and_open(user_id, ids.FEEDBACK_OPEN, "1", "Submit feedback")
        if show:
            self.t.sees(user_id, "a modal")
            self.t.view(view, values=values)
        answer = await self.d.submit(user_id, view, values)
        self.d.expect(not answer.get("errors"), f"feedback should be accepted: {answer}")
        await self._settle()
        self.d.feedback += 1

    async def feedback(self) -> None:
        t = self.t
        self.d.banner("After the panel: each panelist is asked for feedback")
        end = ADA_MOVED + timedelta(minutes=75)
        await self.h.run_nudges(end)
        t.note(
            "The simulated clock moves to the end of Ada's panel, Tuesday 10 March, 11:15 in"
            " New York. (The prep reminders that fell due before it went out too; not shown.)"
        )
        asks = [m for m in self.h.fake.dms_to(PEER) if "Your feedback" in m.get("text", "")]
        self.d.expect(asks, "Pat should be asked for feedback at the panel's end")
        t.sees(PEER, "a DM")
        t.message(asks[-1])
        await self._give(
            PEER,
            {
                "recommendation": "strong_yes",
                "rating": "4",
                "evidence": "Designed a CDC pipeline end to end and explained the trade-offs.",
                "concerns": "Has not run streaming in production.",
                "questions_asked": "How would you backfill a year of events?\n"
                "How do you version a data contract?",
            },
            show=True,
        )
        t.note(
            "The questions Pat actually asked are kept: a round-3 panel for Ada will see them"
            " as “already asked”. Carlos and Lee give their feedback too (not shown)."
        )
        for user_id, recommendation in ((CROSS, "yes"), (LEADER, "yes")):
            values = {
                "recommendation": recommendation,
                "rating": "3",
                "evidence": "Clear, structured answers; good questions back to us.",
            }
            await self._give(user_id, values, show=False)

    async def late_feedback(self) -> None:
        t = self.t
        self.d.banner("Priya's feedback is late: a reminder in her working hours")
        await self._run_until("feedback_reminder", PEER2)
        reminders = [m for m in self.h.fake.dms_to(PEER2) if "Reminder: your feedback" in m["text"]]
        self.d.expect(reminders, "Priya should be reminded")
        t.sees(PEER2, "a DM")
        t.message(reminders[-1])
        t.note("Only Priya: the others' reminders were cancelled when their feedback arrived.")
        values = {
            "recommendation": "yes",
            "rating": "3",
            "evidence": "Solid case review; needed a hint on partitioning.",
        }
        await self._give(PEER2, values, show=False)
        t.act(PEER2, "submits her feedback: now all of it is in.")

    async def decision(self) -> None:
        from bot.slack import ids

        t, hm = self.t, HIRING_MANAGER
        self.d.banner("Hank gets the summary and decides")
        await self._run_until("decision_request", hm)
        asks = [m for m in self.h.fake.dms_to(hm) if "Ready for your decision" in m["text"]]
        self.d.expect(asks, "Hank should get the decision summary")
        t.sees(hm, "a DM")
        t.message(asks[-1])
        view = await self._click_and_open(hm, ids.DECISION_OPEN, "1:offer", "Make offer")
        values = {"reason": "Strong on every focus area; the streaming gap is coachable."}
        t.sees(hm, "a modal")
        t.view(view, values=values)
        answer = await self.d.submit(hm, view, values)
        self.d.expect(not answer.get("errors"), f"the decision should be recorded: {answer}")
        await self._settle()
        self.d.decided += 1
        t.note("Rita is asked to tell Ada, once her working day starts in Chicago.")
        await self._run_until("candidate_update_request", RECRUITER)
        asks = [m for m in self.h.fake.dms_to(RECRUITER) if "update the candidate" in m["text"]]
        self.d.expect(asks, "Rita should be asked to update the candidate")
        t.sees(RECRUITER, "a DM")
        t.message(asks[-1])

    async def candidate_told(self) -> None:
        from bot.slack import ids

        t, recruiter = self.t, RECRUITER
        self.d.banner("Rita tells Ada, and says so: the candidate clock stops")
        view = await self._click_and_open(
            recruiter, ids.CANDIDATE_UPDATED_OPEN, "1", "I've updated the candidate"
        )
        values = {"note": "Called Ada: verbal offer, written offer by Friday."}
        t.view(view, values=values)
        answer = await self.d.submit(recruiter, view, values)
        self.d.expect(not answer.get("errors"), f"the update should be recorded: {answer}")
        await self._settle()
        self.d.updated += 1
        history = await self.d.reply(HIRING_MANAGER, "history P-1")
        t.sees(HIRING_MANAGER, "a private reply")
        t.message(history)
        self.d.expect("updated the candidate" in _all_text(history), "history shows the update")

    async def stalled_candidate(self) -> None:
        t, coordinator, recruiter = self.t, COORDINATOR, RECRUITER
        self.d.banner("A stalled candidate: daily nudges, then the coordinator")
        start = self.h.clock.now() + timedelta(days=1)
        start = start.replace(hour=15, minute=0, second=0, microsecond=0)
        basics = {
            "candidate": "Alan Turing",
            "role_title": "Staff Data Engineer",
            "responsibilities": "Own the warehouse's modelling layer.",
            "round": "2",
            **self.h.local_fields(start, NEW_YORK),
            "duration": "60",
            "format": "conversation",
            "location": "https://meet.example.com/alan-turing",
            "hiring_manager": HIRING_MANAGER,
            "recruiter": recruiter,
        }
        panel = await self.h.schedule(coordinator, basics, GRACE_SEATS)
        self.d.scheduled += 1
        t.note(
            f"Cora schedules Alan Turing ({panel.reference}) for"
            f" {_local(start, coordinator, self.h)}. After his panel only Pat gives feedback;"
            " nobody tells Alan anything."
        )
        await self.h.run_nudges(panel.ends_at)
        values = {"recommendation": "yes", "rating": "3", "evidence": "Good modelling answers."}
        from bot.slack import ids

        view = await self._click_and_open(PEER, ids.FEEDBACK_OPEN, str(panel.id), "Submit feedback")
        await self.d.submit(PEER, view, values)
        await self._settle()
        self.d.feedback += 1

        await self._run_until("candidate_update_overdue", recruiter)
        waiting = [m for m in self.h.fake.dms_to(recruiter) if "hasn't heard" in m["text"]]
        self.d.expect(waiting, "Rita should be told Alan is waiting")
        t.sees(recruiter, "a DM")
        t.message(waiting[-1])
        t.note(
            "Three business days after the panel Alan has heard nothing: Rita and Hank are told"
            " what blocks, by name, and Rita gets a holding message she can send. This repeats"
            " once a business day, never twice in a day."
        )
        await self._run_until("candidate_update_escalation", coordinator)
        escalated = [m for m in self.h.fake.dms_to(coordinator) if "hasn't heard" in m["text"]]
        self.d.expect(escalated, "Cora should hear of the stalled candidate")
        self.d.escalated += 1
        t.sees(coordinator, "a DM")
        t.message(escalated[-1])
        stalled = await self.d.reply(recruiter, "stalled")
        t.sees(recruiter, "a private reply")
        t.message(stalled)
        self.d.expect("Alan Turing" in _all_text(stalled), "/panel stalled should list Alan")


def _local(moment: datetime, user_id: str, harness: Harness) -> str:
    from bot.slack.text import local_time

    return local_time(moment, harness.fake.users[user_id].tz)


def _all_text(message: Mapping[str, Any]) -> str:
    """Every string in a message (fallback text and blocks), for checking what it says."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, Mapping):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({"text": message.get("text"), "blocks": message.get("blocks")})
    return "\n".join(out)


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _held_logs() -> Iterator[_Keep]:
    """Keep the app's log lines out of the transcript; warnings and errors are kept for the end."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    keep = _Keep()
    root.handlers = [keep]
    root.setLevel(logging.WARNING)
    try:
        yield keep
    finally:
        root.handlers = saved_handlers
        root.setLevel(saved_level)


def _use_color(quiet: bool) -> bool:
    if quiet or "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty and isatty())


def _tolerant_stdout() -> None:
    """A terminal that cannot show "é" or "─" gets "?" rather than a crash."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        with suppress(ValueError, OSError):
            reconfigure(errors="replace")


def _width() -> int:
    """The transcript's width: 92 columns, or less in a narrower terminal."""
    isatty = getattr(sys.stdout, "isatty", None)
    if isatty and isatty():
        return max(60, min(WIDTH, shutil.get_terminal_size((WIDTH, 24)).columns - 1))
    return WIDTH


async def run_demo(quiet: bool = False, *, width: int | None = None) -> int:
    """Play the demo; print the transcript (or, with ``quiet``, only the summary line).

    Returns 0 when everything went as expected, 1 otherwise (the problems are listed).
    """
    if not quiet:
        _tolerant_stdout()
    width = width or _width()

    def write(line: str) -> None:
        if not quiet:
            print(line)

    problems: list[str] = []
    demo: _Demo | None = None
    calls: list[Any] = []
    with (
        tempfile.TemporaryDirectory(prefix="hirebot-demo-") as tmp,
        _held_logs() as logs,
    ):
        url = f"sqlite:///{Path(tmp) / 'hirebot.db'}"
        try:
            # Imported here so that the app's import-time log lines are held like the rest.
            from bot.devtools.harness import Harness

            async with Harness.running(
                url, now=NOW, coordinators=frozenset({COORDINATOR})
            ) as harness:
                transcript = Transcript(
                    harness.fake.users, width=width, color=_use_color(quiet), write=write
                )
                demo = _Demo(harness, transcript)
                try:
                    await demo.play()
                except DemoError as exc:
                    problems.append(f"step {demo.step}: {exc}")
                except AssertionError as exc:  # a wait on the fake timed out
                    problems.append(f"step {demo.step}: {exc}")
                problems += [f"Slack would reject: {v}" for v in harness.fake.violations]
                calls = list(harness.fake.calls)
        except Exception as exc:
            problems.append(f"the demo crashed: {type(exc).__name__}: {exc}")
            if not quiet:
                traceback.print_exc()
        logged = [
            (r.levelno, f"{r.levelname.lower()} from {r.name}: {r.getMessage()}")
            for r in logs.records
        ]
        problems += [line for level, line in logged if level >= logging.ERROR]
        warnings = [line for level, line in logged if level < logging.ERROR]

    failed_calls = [c for c in calls if not c.ok]
    problems += [f"Slack answered {c.method} with {c.error}" for c in failed_calls]
    sent = sum(
        1
        for c in calls
        if c.ok and c.method in ("chat.postMessage", "chat.postEphemeral", "response_url")
    )
    if demo is not None:
        done = (
            f"{demo.scheduled} panel{'s' if demo.scheduled != 1 else ''} scheduled,"
            f" {demo.rescheduled} rescheduled, {demo.cancelled} cancelled;"
            f" {demo.feedback} feedback, {demo.decided} decided, {demo.updated} candidate"
            f" updated, {demo.escalated} stalled escalated"
        )
    else:
        done = "nothing scheduled"
    tally = f"{sent} messages sent, {len(failed_calls)} Slack errors"
    if problems:
        report = sys.stdout if not quiet else sys.stderr
        print("", file=report)
        for problem in problems:
            print(f"✖ {problem}", file=report)
        print(f"Demo FAILED: {done}; {tally}; {len(problems)} problem(s).")
        return 1
    if not quiet:
        print("")
        for warning in warnings:
            print(f"⚠ {warning}")
    print(f"Demo complete: {done}; {tally}.")
    return 0


def _in_channel(channel: str, args: Mapping[str, Any]) -> bool:
    return args.get("channel") == channel
