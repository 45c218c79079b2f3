"""Ashby through both wires: signed webhooks in, the fake Slack's DMs and files out, the fake
Ashby's recorded calls back, and the database."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from bot.ats.store import AtsLink, AtsResume, AtsTask
from bot.devtools.fake_ashby import AshbyFault
from bot.devtools.people import (
    COORDINATOR,
    CROSS,
    HIRING_MANAGER,
    LEADER,
    PEER,
    PEER2,
    RECRUITER,
    ROUND1,
)
from bot.models import AuditEvent, Panel, PriorRound
from tests.ats.conftest import PANEL, RESUME, START, AshbyWorld
from tests.followup.kit import FEEDBACK, give_feedback
from tests.support.messages import command_reply


async def panels(world: AshbyWorld) -> list[Panel]:
    async with world.bot.db.session() as session:
        return list(await session.scalars(select(Panel).order_by(Panel.id)))


async def audit(world: AshbyWorld) -> list[tuple[str, str, str]]:
    async with world.bot.db.session() as session:
        rows = await session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(e.action, e.actor_id, (e.detail or {}).get("via", "")) for e in rows]


def resumes_in(world: AshbyWorld, user_id: str, *, include_deleted: bool = False) -> list[dict]:
    shared = world.bot.fake.files_in(world.bot.dm(user_id), include_deleted=include_deleted)
    return [f for f in shared if str(f.get("title", "")).startswith("Résumé")]


async def scheduled(world: AshbyWorld, interviewers=PANEL) -> dict:
    schedule = world.schedule(interviewers)
    response = await world.deliver("interviewScheduleCreate", schedule)
    assert response.status_code == 200, response.text
    assert response.json() == {"ok": True, "queued": True}
    await world.settle()
    return schedule


async def test_a_panel_scheduled_in_ashby_reaches_every_panelist_with_resume_and_round_one(world):
    await scheduled(world)
    (panel,) = await panels(world)
    assert (panel.candidate.name, panel.role.title) == ("Ada Lovelace", "Senior Data Engineer")
    assert panel.role.responsibilities == "Own the ingestion pipelines and mentor two engineers."
    assert panel.starts_at == START and panel.duration_minutes == 60
    assert (panel.coordinator_id, panel.hiring_manager_id, panel.recruiter_id) == (
        COORDINATOR,
        HIRING_MANAGER,
        RECRUITER,
    )
    assert [p.user_id for p in panel.panelists] == [PEER, CROSS, LEADER]
    assert panel.location == "https://meet.example.com/panel"
    assert panel.timezone == "America/New_York"  # the coordinator's zone in Slack

    for user in (PEER, CROSS, LEADER):
        (packet,) = [m for m in world.bot.fake.dms_to(user) if "P-1" in m["text"]]
        shown = json.dumps(packet["blocks"])
        assert "Tell me about yourself" in shown  # round 1, from Ashby's scorecard
        assert "Strong on SQL" in shown
        (resume,) = resumes_in(world, user)
        assert resume["name"] == "Ada Lovelace - CV.pdf" and resume["bytes"] == RESUME
    assert resumes_in(world, COORDINATOR) == []  # only panelists get the file

    async with world.bot.db.session() as session:
        (prior,) = await session.scalars(select(PriorRound))
        assert prior.interviewer_ids == [ROUND1]
        (link,) = await session.scalars(select(AtsLink))
        assert (link.source, link.panel_id, link.status) == ("ashby", 1, "panel")
        assert set(link.people) == {
            *PANEL,
            "cora@acme.example",
            "hank@acme.example",
            "rita@acme.example",
        }
        stored = json.dumps(link.refs)
        assert "Ada" not in stored and "PDF" not in stored  # ids only, no candidate data
    assert ("scheduled", COORDINATOR, "Ashby") in await audit(world)
    looked_up = {c["email"] for c in world.bot.fake.calls_to("users.lookupByEmail")}
    assert set(PANEL) <= looked_up
    assert world.ashby.calls_to("file.info") and world.ashby.downloads == 3


async def test_status_and_history_say_the_panel_came_from_ashby(world):
    await scheduled(world)
    answer = await command_reply(world.bot, COORDINATOR, "history P-1")
    assert "scheduled the panel in Ashby" in json.dumps(answer)
    status = await command_reply(world.bot, COORDINATOR, "status P-1")
    assert "From Ashby" in json.dumps(status)


async def test_a_bad_or_missing_signature_gets_401_and_changes_nothing(world):
    schedule = world.schedule(PANEL)
    wrong = await world.deliver("interviewScheduleCreate", schedule, secret="not-the-secret")
    assert wrong.status_code == 401
    body, headers = world.ashby.webhook("interviewScheduleCreate", schedule)
    del headers["Ashby-Signature"]
    missing = await world.bot.http.post("/ats/ashby/webhook", content=body, headers=headers)
    assert missing.status_code == 401
    tampered = body.replace(b"Scheduled", b"Cancelled")
    _, good = world.ashby.webhook("interviewScheduleCreate", schedule)
    forged = await world.bot.http.post("/ats/ashby/webhook", content=tampered, headers=good)
    assert forged.status_code == 401
    await world.settle()
    assert await panels(world) == []
    async with world.bot.db.session() as session:
        assert list(await session.scalars(select(AtsTask))) == []
    assert world.ashby.calls == []


async def test_a_duplicate_delivery_changes_nothing_twice(world):
    schedule = await scheduled(world)
    again = await world.deliver("interviewScheduleCreate", schedule)
    assert again.json() == {"ok": True, "queued": False}
    await world.settle()
    assert len(await panels(world)) == 1
    assert len(resumes_in(world, PEER)) == 1
    assert [a for a, *_ in await audit(world)].count("scheduled") == 1


async def test_a_move_in_ashby_reschedules_the_panel_and_an_older_delivery_is_ignored(world):
    schedule = await scheduled(world)
    created = json.loads(json.dumps(schedule))
    moved = world.ashby.move(schedule["id"], START + timedelta(days=1), 90, at=world.later())
    assert (await world.deliver("interviewScheduleUpdate", moved)).status_code == 200
    await world.settle()
    (panel,) = await panels(world)
    assert panel.starts_at == START + timedelta(days=1) and panel.duration_minutes == 90
    assert ("rescheduled", COORDINATOR, "Ashby") in await audit(world)
    (moved_notice,) = [m for m in world.bot.fake.dms_to(PEER) if "moved" in m["text"]]
    assert moved_notice["text"].startswith("Ashby moved P-1")
    (receipt,) = [m for m in world.bot.fake.dms_to(COORDINATOR) if "moved" in m["text"]]
    assert receipt["text"].startswith("Ashby moved P-1")  # not "You moved": Cora didn't
    # The create arriving late (out of order) is older than what was applied: nothing moves.
    late = await world.deliver("interviewScheduleCreate", created)
    assert late.json()["queued"] is False
    await world.settle()
    (panel,) = await panels(world)
    assert panel.starts_at == START + timedelta(days=1)


async def test_a_cancellation_in_ashby_cancels_the_panel_and_deletes_the_resumes(world):
    schedule = await scheduled(world)
    cancelled = world.ashby.cancel(schedule["id"], at=world.later())
    await world.deliver("interviewScheduleUpdate", cancelled)
    await world.settle()
    (panel,) = await panels(world)
    assert panel.is_cancelled
    assert ("cancelled", COORDINATOR, "Ashby") in await audit(world)
    for user in (PEER, CROSS, LEADER):
        assert resumes_in(world, user) == []
        (gone,) = resumes_in(world, user, include_deleted=True)
        assert gone["deleted"]
    assert len(world.bot.fake.calls_to("files.delete")) == 3
    async with world.bot.db.session() as session:
        assert all(r.deleted_at for r in await session.scalars(select(AtsResume)))


async def test_a_cancellation_arriving_before_the_creation_makes_no_panel(world):
    schedule = world.schedule(PANEL)
    created = json.loads(json.dumps(schedule))
    cancelled = world.ashby.cancel(schedule["id"], at=world.later())
    await world.deliver("interviewScheduleUpdate", cancelled)
    await world.settle()
    await world.deliver("interviewScheduleCreate", created)
    await world.settle()
    assert await panels(world) == []


async def test_a_swapped_interviewer_gets_the_resume_and_the_one_leaving_loses_it(world):
    schedule = await scheduled(world)
    swapped = world.ashby.swap_interviewer(
        schedule["id"],
        world.users["carlos@acme.example"],
        world.users["priya@acme.example"],
        at=world.later(),
    )
    await world.deliver("interviewScheduleUpdate", swapped)
    await world.settle()
    (panel,) = await panels(world)
    assert [p.user_id for p in panel.panelists] == [PEER, PEER2, LEADER]
    assert resumes_in(world, CROSS) == []
    assert len(resumes_in(world, PEER2)) == 1


async def test_someone_ashby_names_but_slack_does_not_know_is_named_to_the_coordinator(world):
    await scheduled(world, [*PANEL, "nora@contractor.example"])
    (panel,) = await panels(world)
    assert [p.user_id for p in panel.panelists] == [PEER, CROSS, LEADER]
    (note,) = [m for m in world.bot.fake.dms_to(COORDINATOR) if "couldn't be found" in m["text"]]
    assert "nora@contractor.example" in json.dumps(note["blocks"])


async def test_an_interview_in_another_stage_is_not_a_panel(world):
    world.ashby.stages[world.ashby.applications[world.application]["currentInterviewStage"]["id"]][
        "title"
    ] = "Phone screen"
    world.ashby.interviews[world.onsite]["title"] = "Phone screen"
    schedule = world.schedule(PANEL)
    await world.deliver("interviewScheduleCreate", schedule)
    await world.settle()
    assert await panels(world) == []


async def test_an_expired_resume_link_is_fetched_afresh(world):
    world.ashby.expire_next_links = 1  # the first link has expired by the time it is used
    await scheduled(world)
    for user in (PEER, CROSS, LEADER):
        assert [r["bytes"] for r in resumes_in(world, user)] == [RESUME]
    # Three panelists, one link each, and one more for the link that had expired.
    assert len(world.ashby.calls_to("file.info")) == 4
    assert world.ashby.downloads == 3


async def test_an_ashby_outage_delays_the_panel_and_loses_nothing(world):
    world.ashby.down = True
    schedule = world.schedule(PANEL)
    response = await world.deliver("interviewScheduleCreate", schedule)
    assert response.status_code == 200  # taken: Ashby won't resend what we acknowledged
    await world.settle()
    assert await panels(world) == []
    async with world.bot.db.session() as session:
        (task,) = await session.scalars(select(AtsTask))
        assert (task.status, task.attempts) == ("pending", 1)
    world.ashby.down = False
    await world.bot.services.ats.run_tasks(world.bot.clock.now() + timedelta(minutes=20))
    await world.settle()
    assert len(await panels(world)) == 1
    assert len(resumes_in(world, PEER)) == 1


async def test_a_rate_limited_call_waits_for_retry_after_without_spending_an_attempt(world):
    world.ashby.fail_next("application.info", AshbyFault(429, retry_after=30))
    schedule = world.schedule(PANEL)
    await world.deliver("interviewScheduleCreate", schedule)
    await world.settle()
    async with world.bot.db.session() as session:
        (task,) = await session.scalars(select(AtsTask))
        assert (task.status, task.attempts) == ("pending", 0)
        assert task.due_at == world.bot.clock.now() + timedelta(seconds=30)
    await world.bot.services.ats.run_tasks(world.bot.clock.now() + timedelta(seconds=30))
    await world.settle()
    assert len(await panels(world)) == 1


async def test_feedback_given_in_slack_is_written_back_to_the_interviews_ashby_form(world):
    schedule = await scheduled(world)
    await world.bot.run_nudges(START + timedelta(hours=1))  # the panel ends: feedback asked
    await give_feedback(world.bot, PEER)
    await world.settle()
    (submitted,) = world.ashby.calls_to("applicationFeedback.submit")
    assert submitted["applicationId"] == world.application
    assert submitted["userId"] == world.users["pat@acme.example"]
    assert submitted["interviewEventId"] == schedule["interviewEvents"][0]["id"]
    form = submitted["feedbackForm"]
    assert form["formDefinitionId"] == world.form
    values = {f["path"]: f["value"] for f in form["fieldSubmissions"]}
    assert values["overall_recommendation"] == {"score": 3}  # "yes"
    assert values["questions_asked"] == FEEDBACK["questions_asked"]
    assert values["notes"] == {"type": "PlainText", "value": FEEDBACK["evidence"]}
    assert values["concerns"] == FEEDBACK["concerns"]
    # Ashby now holds it as the interview's feedback, by Pat, on this interview event.
    (row,) = [f for f in world.ashby.feedback if f["interviewEventId"]]
    assert row["submittedByUser"]["email"] == "pat@acme.example"


async def test_feedback_write_back_survives_an_ashby_outage(world):
    await scheduled(world)
    await world.bot.run_nudges(START + timedelta(hours=1))
    world.ashby.down = True
    await give_feedback(world.bot, PEER)
    await world.settle()
    assert world.ashby.calls_to("applicationFeedback.submit") == []
    world.ashby.down = False
    await world.bot.services.ats.run_tasks(world.bot.clock.now() + timedelta(minutes=20))
    assert len(world.ashby.calls_to("applicationFeedback.submit")) == 1


async def test_feedback_ashby_refuses_is_handed_to_the_coordinator(world):
    await scheduled(world)
    await world.bot.run_nudges(START + timedelta(hours=1))
    del world.ashby.forms[world.form]  # the form was archived in Ashby meanwhile
    await give_feedback(world.bot, PEER)
    await world.settle()
    notes = [m for m in world.bot.fake.dms_to(COORDINATOR) if "didn't reach Ashby" in m["text"]]
    assert len(notes) == 1
    assert "copy it there" in json.dumps(notes[0]["blocks"])
    async with world.bot.db.session() as session:
        (task,) = await session.scalars(select(AtsTask).where(AtsTask.kind == "feedback"))
        assert task.status == "failed"


async def test_no_secret_or_signed_link_reaches_the_log(world, caplog):
    import base64
    import logging

    from bot.devtools.fake_ashby import API_KEY, WEBHOOK_SECRET

    caplog.set_level(logging.DEBUG)
    # Whatever level another library gives httpx's logger (the Teams SDK sets its own), the
    # signed links stay out: the run that found this had Teams' tests first.
    caplog.set_level(logging.DEBUG, logger="httpx")
    world.ashby.fail_next("candidate.info", AshbyFault(503))  # a retry, logged
    await scheduled(world)
    await world.bot.services.ats.run_tasks(world.bot.clock.now() + timedelta(minutes=20))
    await world.deliver("interviewScheduleCreate", world.schedule(PANEL), secret="wrong")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    basic = base64.b64encode(f"{API_KEY}:".encode()).decode()
    for secret in (API_KEY, WEBHOOK_SECRET, basic, "X-Amz-Expires", "/files/"):
        assert secret not in logged
    assert "bad signature" in logged  # the refusal itself is logged, without the secret


async def test_the_sync_catches_up_on_a_webhook_that_never_arrived(world):
    world.schedule(PANEL)  # scheduled in Ashby; its webhook was lost
    report = await world.bot.services.ats.sync()
    await world.settle()
    assert report.created == 1, report
    assert len(resumes_in(world, PEER)) == 1
    again = await world.bot.services.ats.sync()  # and a later webhook for it changes nothing
    assert again.created == 0 and again.unchanged == 1
    assert len(await panels(world)) == 1


async def test_a_webhook_and_a_sync_meeting_on_one_interview_make_one_panel(world):
    import asyncio

    schedule = world.schedule(PANEL)
    body, headers = world.ashby.webhook("interviewScheduleCreate", schedule)
    await asyncio.gather(
        world.bot.http.post("/ats/ashby/webhook", content=body, headers=headers),
        world.bot.services.ats.sync(),
        world.bot.services.ats.sync(),
    )
    await world.settle()
    assert len(await panels(world)) == 1
    assert len(resumes_in(world, PEER)) == 1


async def test_done_tasks_are_dropped_after_thirty_days(world):
    await scheduled(world)
    async with world.bot.db.session() as session:
        kinds = {t.kind: t.status for t in await session.scalars(select(AtsTask))}
    assert kinds == {"import": "done", "resume": "done"}
    world.bot.clock.set(world.bot.clock.now() + timedelta(days=31))
    await world.bot.services.ats.sync()
    async with world.bot.db.session() as session:
        assert list(await session.scalars(select(AtsTask))) == []
