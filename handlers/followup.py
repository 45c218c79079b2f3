"""After the panel: the feedback, decision and "candidate updated" buttons and modals, the
owners' "Excuse" button, and the answers of ``/panel stalled`` and ``/panel history``.

Every button and submission re-checks who clicks (``bot.followup.service`` refuses what they
may not do); refusals come back privately, or as field errors inside the modal.
"""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.changes.pipeline import AlreadyApplied
from bot.followup.forms import check_feedback, check_reason, check_update_note, parse_outcome
from bot.followup.service import FeedbackLocked
from bot.panels.labels import focus_label
from bot.panels.service import NotAllowed, PanelClosed, PanelNotFound
from bot.panels.summary import brief
from bot.services import Services
from bot.slack import answers, ids
from bot.slack.modals.followup import candidate_updated_modal, decision_modal, feedback_modal
from bot.slack.modals.submissions import form_values, metadata, submission_key
from bot.slack.render import Rendered
from handlers.replies import click_refusal, panel_id_of, refusal_text, tell_privately

log = logging.getLogger(__name__)

Refusal = (PanelNotFound, NotAllowed, PanelClosed, FeedbackLocked)


async def stalled_answer(services: Services, user_id: str) -> Rendered:
    """``/panel stalled``: candidates past an SLA on panels the caller may see."""
    reader = await services.directory.person(user_id)
    found = await services.reports.stalled(user_id, reader.tz, limit=answers.STALLED_SHOWN)
    return answers.stalled(found, reader)


async def history_answer(services: Services, user_id: str, panel_id: int) -> Rendered:
    """``/panel history``; raises ``PanelNotFound`` for panels the caller may not see."""
    found = await services.reports.history(user_id, panel_id)
    reader = await services.directory.person(user_id)
    return answers.history(found, reader)


def register(app: AsyncApp, services: Services) -> None:
    # ------------------------------------------------------------------ buttons
    @app.action(ids.FEEDBACK_OPEN)
    async def open_feedback(
        ack: AsyncAck, body: dict, action: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        user_id = body["user"]["id"]
        try:
            form = await services.followup.feedback_form(user_id, panel_id_of(action["value"]))
        except Refusal as refusal:
            await tell_privately(services, body, respond, client, click_refusal(refusal))
            return
        focus = focus_label(form.seat.focus_area, form.seat.focus_detail)
        view = feedback_modal(brief(form.panel), focus, form.existing)
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(ids.DECISION_OPEN)
    async def open_decision(
        ack: AsyncAck, body: dict, action: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        user_id = body["user"]["id"]
        value = action.get("value") or ""
        # "<panel>:<outcome>" from the summary's buttons; just "<panel>" lets them choose.
        outcome = parse_outcome(value.split(":", 1)[1] if ":" in value else "")
        try:
            panel = await services.followup.decision_panel(user_id, panel_id_of(value))
            progress = await services.followup.progress(panel)
        except Refusal as refusal:
            await tell_privately(services, body, respond, client, click_refusal(refusal))
            return
        view = decision_modal(brief(panel), outcome, progress.feedback_owed)
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(ids.CANDIDATE_UPDATED_OPEN)
    async def open_candidate_updated(
        ack: AsyncAck, body: dict, action: dict, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        user_id = body["user"]["id"]
        try:
            panel = await services.followup.update_panel(user_id, panel_id_of(action["value"]))
        except Refusal as refusal:
            await tell_privately(services, body, respond, client, click_refusal(refusal))
            return
        view = candidate_updated_modal(brief(panel))
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(ids.FEEDBACK_EXCUSE)
    async def excuse(
        ack: AsyncAck, body: dict, action: dict, respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        user_id = body["user"]["id"]
        value = action.get("value") or ""
        panelist_id = value.split(":", 1)[1] if ":" in value else ""
        try:
            panel = await services.followup.excuse(user_id, panel_id_of(value), panelist_id)
        except Refusal as refusal:
            await tell_privately(services, body, respond, client, click_refusal(refusal))
            return
        text = f"<@{panelist_id}> is excused from feedback on {panel.reference}."
        await tell_privately(services, body, respond, client, text)

    # ------------------------------------------------------------------ modals
    @app.view(ids.FEEDBACK_SUBMIT)
    async def submit_feedback(ack: AsyncAck, body: dict, view: dict) -> None:
        user_id = body["user"]["id"]
        panel_id = int(metadata(view).get("panel", 0))
        checked = check_feedback(form_values(view))
        if checked.errors:
            await ack(response_action="errors", errors=checked.errors)
            return
        try:
            panel, edited = await services.followup.submit_feedback(
                user_id, panel_id, checked.value, submission=submission_key(view)
            )
        except AlreadyApplied:
            await ack()
            return
        except Refusal as refusal:
            await ack(response_action="errors", errors={"evidence": refusal_text(refusal)})
            return
        await ack()
        log.info("%s %s feedback on %s", user_id, "edited" if edited else "gave", panel.reference)

    @app.view(ids.DECISION_SUBMIT)
    async def submit_decision(ack: AsyncAck, body: dict, view: dict) -> None:
        user_id = body["user"]["id"]
        meta = metadata(view)
        values = form_values(view)
        outcome = parse_outcome(str(meta.get("outcome") or values.get("outcome") or ""))
        checked = check_reason(values)
        if outcome is None:
            checked.errors = {"outcome": "Choose a decision.", **checked.errors}
        if checked.errors:
            await ack(response_action="errors", errors=checked.errors)
            return
        assert outcome is not None
        try:
            panel = await services.followup.decide(
                user_id,
                int(meta.get("panel", 0)),
                outcome,
                checked.value,
                submission=submission_key(view),
            )
        except AlreadyApplied:
            await ack()
            return
        except Refusal as refusal:
            await ack(response_action="errors", errors={"reason": refusal_text(refusal)})
            return
        await ack()
        log.info("%s decided %s on %s", user_id, outcome, panel.reference)

    @app.view(ids.CANDIDATE_UPDATED_SUBMIT)
    async def submit_candidate_updated(ack: AsyncAck, body: dict, view: dict) -> None:
        user_id = body["user"]["id"]
        panel_id = int(metadata(view).get("panel", 0))
        checked = check_update_note(form_values(view))
        if checked.errors:
            await ack(response_action="errors", errors=checked.errors)
            return
        try:
            panel = await services.followup.candidate_updated(
                user_id, panel_id, checked.value, submission=submission_key(view)
            )
        except AlreadyApplied:
            await ack()
            return
        except Refusal as refusal:
            await ack(response_action="errors", errors={"note": refusal_text(refusal)})
            return
        await ack()
        log.info("%s updated the candidate of %s", user_id, panel.reference)
