"""Modal submissions: validate into field errors, store, ack. What a change owes people goes
out through the change pipeline, right after its commit."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.changes.pipeline import AlreadyApplied
from bot.followup.forms import check_text
from bot.panels import bounds
from bot.panels.request import (
    assignment_fields,
    check_assignments,
    check_basics,
    check_slot,
)
from bot.panels.service import (
    NotACoordinator,
    NotAllowed,
    PanelClosed,
    PanelNotFound,
    SlotUnchanged,
)
from bot.services import Services
from bot.slack import ids
from bot.slack.modals.schedule import SAME_CANDIDATE, schedule_focus_modal
from bot.slack.modals.submissions import form_values, metadata, submission_key
from bot.workspaces import installed_slack_workspace
from handlers.replies import refusal_text

log = logging.getLogger(__name__)


def register(app: AsyncApp, services: Services) -> None:
    @app.view(ids.SCHEDULE_STEP1)
    async def schedule_basics(ack: AsyncAck, body: dict, view: dict) -> None:
        user_id = body["user"]["id"]
        if not services.panels.may_schedule(user_id):
            await ack(response_action="errors", errors={"candidate": str(NotACoordinator())})
            return
        checked = check_basics(form_values(view), services.clock.now())
        if not checked.errors:
            checked.errors = await services.flows.people_problems(checked.value)
        if checked.errors:
            await ack(response_action="errors", errors=checked.errors)
            return
        draft_id = await services.panels.save_draft(user_id, checked.value)
        earlier = await services.panels.earlier_candidate(
            checked.value.candidate_name, checked.value.role_title
        )
        view = schedule_focus_modal(checked.value, draft_id, earlier)
        await ack(response_action="push", view=view)

    @app.view(ids.SCHEDULE_STEP2)
    async def schedule_focus(ack: AsyncAck, body: dict, view: dict) -> None:
        user_id = body["user"]["id"]
        draft_id = metadata(view).get("draft", "")
        try:
            basics = await services.panels.load_draft(user_id, draft_id)
        except AlreadyApplied as done:  # the same form again: it made its panel already
            await ack(response_action="clear")
            log.info("%s submitted the form of P-%s again: ignored", user_id, done.panel_id)
            return
        if basics is None or not services.panels.may_schedule(user_id):
            first = next(iter(view.get("state", {}).get("values", {})), "")
            await ack(
                response_action="errors",
                errors={first: "This form has expired. Close it and start again with /panel new."},
            )
            return
        checked = check_assignments(form_values(view), basics.panelist_ids)
        if checked.errors:
            await ack(response_action="errors", errors=checked.errors)
            return
        # Re-check the start: the coordinator may have lingered on the second step.
        if basics.slot.starts_at <= services.clock.now():
            focus_field = assignment_fields(basics.panelist_ids[0])[0]
            await ack(
                response_action="errors",
                errors={focus_field: "The start time has passed. Go back and pick a new one."},
            )
            return
        same = str(form_values(view).get(SAME_CANDIDATE) or "")
        candidate_id = int(same[6:]) if same.startswith("reuse:") and same[6:].isdigit() else None
        try:
            team_id = str((body.get("team") or {}).get("id") or "")
            workspace_id = await installed_slack_workspace(
                services.db, services.clock.now(), team_id
            )
            panel = await services.panels.schedule(
                user_id,
                basics,
                checked.value,
                draft_id=draft_id,
                candidate_id=candidate_id,
                workspace_id=workspace_id,
            )
        except AlreadyApplied as done:  # the same form again: it made its panel already
            await ack(response_action="clear")
            log.info("%s submitted the form of P-%s again: ignored", user_id, done.panel_id)
            return
        await ack(response_action="clear")
        log.info("%s scheduled %s", user_id, panel.reference)

    @app.view(ids.RESCHEDULE)
    async def reschedule(ack: AsyncAck, body: dict, view: dict) -> None:
        user_id = body["user"]["id"]
        panel_id = int(metadata(view).get("panel", 0))
        checked = check_slot(form_values(view), services.clock.now())
        if checked.errors:
            await ack(response_action="errors", errors=checked.errors)
            return
        try:
            panel, previous = await services.panels.reschedule(
                user_id, panel_id, checked.value, submission=submission_key(view)
            )
        except AlreadyApplied:
            await ack()
            return
        except (PanelNotFound, NotAllowed, PanelClosed, SlotUnchanged) as refusal:
            await ack(response_action="errors", errors={"start_date": refusal_text(refusal)})
            return
        await ack()
        log.info("%s rescheduled %s from %s", user_id, panel.reference, previous.starts_at)

    @app.view(ids.CANCEL_CONFIRM)
    async def cancel(ack: AsyncAck, body: dict, view: dict) -> None:
        user_id = body["user"]["id"]
        panel_id = int(metadata(view).get("panel", 0))
        checked = check_text(form_values(view), "reason", bounds.CANCEL_REASON, None)
        if checked.errors:
            await ack(response_action="errors", errors=checked.errors)
            return
        try:
            panel = await services.panels.cancel(
                user_id, panel_id, checked.value, submission=submission_key(view)
            )
        except AlreadyApplied:
            await ack()
            return
        except (PanelNotFound, NotAllowed, PanelClosed) as refusal:
            await ack(response_action="errors", errors={"reason": refusal_text(refusal)})
            return
        await ack()
        log.info("%s cancelled %s", user_id, panel.reference)
