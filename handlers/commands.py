"""``/panel``: parse the text, answer only the caller, open forms for changes."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.panels import grammar
from bot.panels.service import NotACoordinator, NotAllowed, PanelClosed, PanelNotFound
from bot.panels.summary import summarise
from bot.services import Services
from bot.slack import answers
from bot.slack.modals.changes import cancel_modal, reschedule_modal
from bot.slack.modals.schedule import schedule_basics_modal
from handlers import followup
from handlers.replies import not_found
from handlers.status import panel_status

log = logging.getLogger(__name__)


def register(app: AsyncApp, services: Services) -> None:
    @app.command("/panel")
    async def panel(
        ack: AsyncAck, command: dict, respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        parsed = grammar.parse(command.get("text") or "")
        user_id = command["user_id"]

        if parsed.name == "help":
            text, blocks = answers.usage(parsed.problem)
            await ack(text=text, blocks=blocks)
            return

        if parsed.name == "new":
            if not services.panels.may_schedule(user_id):
                await ack(text=str(NotACoordinator()))
                return
            await ack()
            person = await services.directory.person(user_id)
            view = schedule_basics_modal(
                candidate_name=parsed.argument, coordinator_tz=person.tz, now=services.clock.now()
            )
            await client.views_open(trigger_id=command["trigger_id"], view=view)
            return

        if parsed.name == "list":
            reader = (await services.directory.people([user_id], within=1.0))[user_id]
            text, blocks = answers.listing(await services.panels.listing(user_id), reader)
            await ack(text=text, blocks=blocks)
            return

        if parsed.name == "stalled":
            await ack()  # reads every panel the caller is on: answer after the ack
            text, blocks = await followup.stalled_answer(services, user_id)
            await respond(text=text, blocks=blocks, response_type="ephemeral")
            return

        assert parsed.panel_id is not None
        await ack()  # status and changes look people up: answer after the ack
        try:
            if parsed.name == "status":
                text, blocks = await panel_status(services, user_id, parsed.panel_id)
                await respond(text=text, blocks=blocks, response_type="ephemeral")
                return
            if parsed.name == "history":
                text, blocks = await followup.history_answer(services, user_id, parsed.panel_id)
                await respond(text=text, blocks=blocks, response_type="ephemeral")
                return
            panel = await services.panels.manageable(user_id, parsed.panel_id)
            if panel.is_cancelled:
                raise PanelClosed(f"{panel.reference} is already cancelled.")
            summary = await summarise(panel, services.directory)
            view = (
                reschedule_modal(summary) if parsed.name == "reschedule" else cancel_modal(summary)
            )
            await client.views_open(trigger_id=command["trigger_id"], view=view)
        except PanelNotFound:
            await respond(text=not_found(parsed.panel_id), response_type="ephemeral")
        except (NotAllowed, PanelClosed) as refusal:
            await respond(text=str(refusal), response_type="ephemeral")
