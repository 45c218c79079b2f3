"""After the panel, on the simulated clock: feedback (one late, reminded), the decision, the
candidate told; then a stalled candidate escalated to the coordinator."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.demo.cast import ADA_MOVED, GRACE_SEATS, NEW_YORK
from bot.demo.story import Story, all_text, local
from bot.devtools.people import COORDINATOR, CROSS, HIRING_MANAGER, LEADER, PEER, PEER2, RECRUITER
from bot.slack import ids


class AfterThePanel(Story):
    """The story after Ada's panel, on the simulated clock: feedback (one late, reminded), the
    decision, the candidate told; then a stalled candidate escalated to the coordinator."""

    async def play(self) -> None:
        await self.feedback()
        await self.late_feedback()
        await self.decision()
        await self.candidate_told()
        await self.stalled_candidate()

    async def _give(self, user_id: str, values: dict[str, Any], *, show: bool) -> None:
        view = await self.click_and_open(user_id, ids.FEEDBACK_OPEN, "1", "Submit feedback")
        if show:
            self.t.sees(user_id, "a modal")
            self.t.view(view, values=values)
        answer = await self.submit(user_id, view, values)
        self.expect(not answer.get("errors"), f"feedback should be accepted: {answer}")
        await self.h.unclaimed()
        self.tally.feedback += 1

    async def feedback(self) -> None:
        t = self.t
        self.banner("After the panel: each panelist is asked for feedback")
        end = ADA_MOVED + timedelta(minutes=75)
        await self.h.run_nudges(end)
        t.note(
            "The simulated clock moves to the end of Ada's panel, Tuesday 10 March, 11:15 in"
            " New York. (The prep reminders that fell due before it went out too; not shown.)"
        )
        ask = self.latest_dm(
            PEER, "Your feedback", "Pat should be asked for feedback at the panel's end"
        )
        t.sees(PEER, "a DM")
        t.message(ask)
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
        self.banner("Priya's feedback is late: a reminder in her working hours")
        await self.run_until("feedback_reminder", PEER2)
        reminder = self.latest_dm(PEER2, "Reminder: your feedback", "Priya should be reminded")
        t.sees(PEER2, "a DM")
        t.message(reminder)
        t.note("Only Priya: the others' reminders were cancelled when their feedback arrived.")
        values = {
            "recommendation": "yes",
            "rating": "3",
            "evidence": "Solid case review; needed a hint on partitioning.",
        }
        await self._give(PEER2, values, show=False)
        t.act(PEER2, "submits her feedback: now all of it is in.")

    async def decision(self) -> None:
        t, hm = self.t, HIRING_MANAGER
        self.banner("Hank gets the summary and decides")
        await self.run_until("decision_request", hm)
        ask = self.latest_dm(hm, "Ready for your decision", "Hank should get the decision summary")
        t.sees(hm, "a DM")
        t.message(ask)
        view = await self.click_and_open(hm, ids.DECISION_OPEN, "1:offer", "Make offer")
        values = {"reason": "Strong on every focus area; the streaming gap is coachable."}
        t.sees(hm, "a modal")
        t.view(view, values=values)
        answer = await self.submit(hm, view, values)
        self.expect(not answer.get("errors"), f"the decision should be recorded: {answer}")
        await self.h.unclaimed()
        self.tally.decided += 1
        t.note("Rita is asked to tell Ada, once her working day starts in Chicago.")
        await self.run_until("candidate_update_request", RECRUITER)
        ask = self.latest_dm(
            RECRUITER, "update the candidate", "Rita should be asked to update the candidate"
        )
        t.sees(RECRUITER, "a DM")
        t.message(ask)

    async def candidate_told(self) -> None:
        t, recruiter = self.t, RECRUITER
        self.banner("Rita tells Ada, and says so: the candidate clock stops")
        view = await self.click_and_open(
            recruiter, ids.CANDIDATE_UPDATED_OPEN, "1", "I've updated the candidate"
        )
        values = {"note": "Called Ada: verbal offer, written offer by Friday."}
        t.view(view, values=values)
        answer = await self.submit(recruiter, view, values)
        self.expect(not answer.get("errors"), f"the update should be recorded: {answer}")
        await self.h.unclaimed()
        self.tally.updated += 1
        history = await self.reply(HIRING_MANAGER, "history P-1")
        t.sees(HIRING_MANAGER, "a private reply")
        t.message(history)
        self.expect("updated the candidate" in all_text(history), "history shows the update")

    async def stalled_candidate(self) -> None:
        t, coordinator, recruiter = self.t, COORDINATOR, RECRUITER
        self.banner("A stalled candidate: daily nudges, then the coordinator")
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
        self.tally.scheduled += 1
        t.note(
            f"Cora schedules Alan Turing ({panel.reference}) for"
            f" {local(start, coordinator, self.h)}. After his panel only Pat gives feedback;"
            " nobody tells Alan anything."
        )
        await self.h.run_nudges(panel.ends_at)
        values = {"recommendation": "yes", "rating": "3", "evidence": "Good modelling answers."}
        view = await self.click_and_open(PEER, ids.FEEDBACK_OPEN, str(panel.id), "Submit feedback")
        await self.submit(PEER, view, values)
        await self.h.unclaimed()
        self.tally.feedback += 1

        await self.run_until("candidate_update_overdue", recruiter)
        waiting = self.latest_dm(recruiter, "hasn't heard", "Rita should be told Alan is waiting")
        t.sees(recruiter, "a DM")
        t.message(waiting)
        t.note(
            "Three business days after the panel Alan has heard nothing: Rita and Hank are told"
            " what blocks, by name, and Rita gets a holding message she can send. This repeats"
            " once a business day, never twice in a day."
        )
        await self.run_until("candidate_update_escalation", coordinator)
        escalated = self.latest_dm(
            coordinator, "hasn't heard", "Cora should hear of the stalled candidate"
        )
        self.tally.escalated += 1
        t.sees(coordinator, "a DM")
        t.message(escalated)
        stalled = await self.reply(recruiter, "stalled")
        t.sees(recruiter, "a private reply")
        t.message(stalled)
        self.expect("Alan Turing" in all_text(stalled), "/panel stalled should list Alan")
