"""Prep buttons and forms: confirm, can't attend, replace a panelist, remind them now.

Each re-checks who clicks: only the panelist a packet was sent to may act on it, only a panel's
owners may replace a panelist or remind people. Anyone else gets a polite private refusal and
nothing changes. The work's messages go through the outbox and are delivered right after.
"""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.changes.pipeline import AlreadyApplied
from bot.panels.labels import focus_label
from bot.panels.service import NotAllowed, PanelClosed, PanelNotFound
from bot.panels.summary import brief
from bot.prep.forms import DECLINE_REASON, REPLACEMENT, check_decline, check_replacement
from bot.prep.service import NothingToReplace, NotYourPacket, ReplacementProblem
from bot.services import Services
from bot.slack import ids
from bot.slack.modals.prep import decline_modal, replace_modal
from bot.slack.modals.submissions import form_values, metadata, submission_key
from bot.slack.text import mention
from handlers.replies import click_refusal, panel_id_of, refusal_text, tell_privately

log = logging.getLogger(__name__)

NOT_YOURS = (
    "Sorry, this prep packet was sent to someone else, so only they can respond to it."
    " If you're on the panel, use the packet HireBot sent you."
)


def _message_ts(body: dict) -> str | None:
    return (body.get("container") or {}).get("message_ts")


def register(app: AsyncApp, services: Services) -> None:
    prep = services.prep

    @app.action(ids.PREP_CONFIRM)
    async def confirm(
        ack: AsyncAck, body: dict, respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        user_id, panel_id = body["user"]["id"], panel_id_of(body["actions"][0].get("value"))
        try:
            await prep.confirm(user_id, panel_id, _message_ts(body))
        except NotYourPacket:
            await tell_privately(services, body, respond, client, NOT_YOURS)
        except PanelClosed as refusal:
            await tell_privately(services, body, respond, client, str(refusal))

    @app.action(ids.PREP_DECLINE)
    async def decline(
        ack: AsyncAck, body: dict, respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        user_id, panel_id = body["user"]["id"], panel_id_of(body["actions"][0].get("value"))
        try:
            panel = await prep.check_panelist(user_id, panel_id, _message_ts(body))
        except NotYourPacket:
            await tell_privately(services, body, respond, client, NOT_YOURS)
            return
        except PanelClosed as refusal:
            await tell_privately(services, body, respond, client, str(refusal))
            return
        view = decline_modal(brief(panel), _message_ts(body))
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(ids.PREP_DECLINE_SUBMIT)
    async def decline_submitted(ack: AsyncAck, body: dict, view: dict) -> None:
        user_id = body["user"]["id"]
        meta = metadata(view)
        panel_id = int(meta.get("panel", 0))
        field = DECLINE_REASON
        checked = check_decline(form_values(view))
        if checked.errors:
            await ack(response_action="errors", errors=checked.errors)
            return
        try:
            await prep.decline(
                user_id,
                panel_id,
                checked.value,
                meta.get("ts"),
                submission=submission_key(view),
            )
        except NotYourPacket:
            await ack(response_action="errors", errors={field: NOT_YOURS})
            return
        except PanelClosed as refusal:
            await ack(response_action="errors", errors={field: str(refusal)})
            return
        except AlreadyApplied:
            pass
        await ack()

    @app.action(ids.PREP_REPLACE_OPEN)
    async def replace_open(
        ack: AsyncAck, body: dict, respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        user_id = body["user"]["id"]
        panel_id, _, old_id = body["actions"][0].get("value", "").partition(":")
        try:
            panel, seat = await prep.seat_to_replace(user_id, panel_id_of(panel_id), old_id)
        except (PanelNotFound, NotAllowed) as refusal:
            await tell_privately(services, body, respond, client, click_refusal(refusal))
            return
        except NothingToReplace as gone:
            done = "is cancelled" if gone.cancelled else f"no longer has {mention(gone.user_id)}"
            text = f"Nothing to replace: {gone.reference} {done}."
            await tell_privately(services, body, respond, client, text)
            return
        view = replace_modal(brief(panel), old_id, focus_label(seat.focus_area, seat.focus_detail))
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(ids.PREP_REPLACE_SUBMIT)
    async def replace_submitted(ack: AsyncAck, body: dict, view: dict) -> None:
        user_id = body["user"]["id"]
        meta = metadata(view)
        panel_id, old_id = int(meta.get("panel", 0)), str(meta.get("user", ""))
        field = REPLACEMENT
        checked = check_replacement(form_values(view))
        if checked.errors:
            await ack(response_action="errors", errors=checked.errors)
            return
        try:
            await prep.replace(
                user_id, panel_id, old_id, checked.value, submission=submission_key(view)
            )
        except ReplacementProblem as problem:
            await ack(response_action="errors", errors={field: str(problem)})
            return
        except (PanelNotFound, NotAllowed, PanelClosed) as refusal:
            await ack(response_action="errors", errors={field: refusal_text(refusal)})
            return
        except AlreadyApplied:
            pass
        await ack()

    @app.action(ids.PREP_REMIND_NOW)
    async def remind_now(
        ack: AsyncAck, body: dict, respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        user_id, panel_id = body["user"]["id"], panel_id_of(body["actions"][0].get("value"))
        click = _message_ts(body) or body["actions"][0].get("action_ts", "")
        try:
            reminded = await prep.remind_now(user_id, panel_id, click)
        except (PanelNotFound, NotAllowed, PanelClosed) as refusal:
            await tell_privately(services, body, respond, client, click_refusal(refusal))
            return
        if reminded.user_ids:
            who = ", ".join(mention(u) for u in reminded.user_ids)
            await tell_privately(services, body, respond, client, f"Reminded {who} now.")
        else:
            await tell_privately(
                services,
                body,
                respond,
                client,
                "Everyone attending has confirmed: nobody to remind.",
            )
