""" "Plan my questions": the button on the prep packet and the modal's submission.

The button and the submission both check that the person is an attending panelist of a live
panel; everyone else is refused politely and nothing changes.

The coverage section of ``/panel status`` is ``bot.panels.status``'s, rendered in ``bot.slack.answers``.
"""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.panels.service import NotAllowed, PanelClosed, PanelNotFound
from bot.questions import plan as plan_text
from bot.services import Services
from bot.slack import ids
from bot.slack.modals.questions import plan_questions_modal, questions_saved_modal
from bot.slack.modals.submissions import form_values, metadata
from handlers.replies import click_refusal, panel_id_of, refusal_text, tell_privately

log = logging.getLogger(__name__)


def register(app: AsyncApp, services: Services) -> None:
    planner = services.questions

    @app.action(ids.PREP_PLAN_QUESTIONS)
    async def open_plan(
        ack: AsyncAck, body: dict, respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        user_id = body["user"]["id"]
        panel_id = panel_id_of(body["actions"][0].get("value", ""))
        try:
            plan = await planner.plan_for(user_id, panel_id)
        except (PanelNotFound, NotAllowed, PanelClosed) as refusal:
            await tell_privately(services, body, respond, client, click_refusal(refusal))
            return
        await client.views_open(trigger_id=body["trigger_id"], view=plan_questions_modal(plan))

    @app.view(ids.PLAN_QUESTIONS)
    async def save_plan(ack: AsyncAck, body: dict, view: dict) -> None:
        user_id = body["user"]["id"]
        panel_id = panel_id_of(metadata(view).get("panel", 0))
        checked = plan_text.check(form_values(view).get(plan_text.FIELD))
        if checked.errors:
            await ack(response_action="errors", errors=checked.errors)
            return
        try:
            plan = await planner.save(user_id, panel_id, checked.questions)
        except (PanelNotFound, NotAllowed, PanelClosed) as refusal:
            await ack(response_action="errors", errors={plan_text.FIELD: refusal_text(refusal)})
            return
        view_ = (
            plan_questions_modal(plan, flagged=True)
            if plan.overlaps
            else questions_saved_modal(plan)
        )
        await ack(response_action="update", view=view_)
        log.info(
            "%s planned %d question(s) for %s, %d overlap(s)",
            user_id,
            len(plan.questions),
            plan.reference,
            len(plan.overlaps),
        )
