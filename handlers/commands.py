"""``/panel``: parse the text, answer only the caller, open forms for changes.

Reports (``list``, ``status``, ``stalled``, ``history``) ride on the ack itself when they are
ready within :data:`IN_ACK_BUDGET`: one HTTP answer instead of an empty ack and a second post
to ``response_url``, which costs more than a cached report does. Slack waits 3 s for the ack,
so a report that is slower (a directory lookup waiting on Slack, a large cold report) is posted
to ``response_url`` as soon as it is ready, after an empty ack.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.panels import grammar
from bot.panels.service import NotACoordinator, NotAllowed, PanelClosed, PanelNotFound
from bot.panels.summary import summarise
from bot.services import Services
from bot.slack import answers
from bot.slack.modals.changes import cancel_modal, reschedule_modal
from bot.slack.modals.schedule import schedule_basics_modal
from bot.slack.render import Rendered
from handlers import followup
from handlers.replies import not_found
from handlers.status import panel_status

log = logging.getLogger(__name__)

#: How long a report may take and still be the ack's body (Slack allows 3 s for the ack).
IN_ACK_BUDGET = 1.0


async def answer(ack: AsyncAck, respond: AsyncRespond, report: Awaitable[Rendered]) -> None:
    """Answer the caller privately: in the ack when ``report`` is ready in time, else after it."""
    work = asyncio.ensure_future(report)
    try:
        text, blocks = await asyncio.wait_for(asyncio.shield(work), IN_ACK_BUDGET)
    except TimeoutError:
        await ack()
        text, blocks = await work
        await respond(text=text, blocks=blocks or None, response_type="ephemeral")
        return
    await ack(text=text, blocks=blocks or None, response_type="ephemeral")


async def refused_or(panel_id: int, report: Awaitable[Rendered]) -> Rendered:
    """``report``, or what the caller is told when the panel is hidden, missing or refused."""
    try:
        return await report
    except PanelNotFound:
        return not_found(panel_id), []
    except (NotAllowed, PanelClosed) as refusal:
        return str(refusal), []


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
            await answer(ack, respond, _listing(services, user_id))
            return

        if parsed.name == "stalled":
            await answer(ack, respond, followup.stalled_answer(services, user_id))
            return

        assert parsed.panel_id is not None
        if parsed.name == "status":
            report = panel_status(services, user_id, parsed.panel_id)
            await answer(ack, respond, refused_or(parsed.panel_id, report))
            return
        if parsed.name == "history":
            report = followup.history_answer(services, user_id, parsed.panel_id)
            await answer(ack, respond, refused_or(parsed.panel_id, report))
            return

        await ack()  # changes open a form: its trigger is valid after the ack too
        try:
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


async def _listing(services: Services, user_id: str) -> Rendered:
    reader = (await services.directory.people([user_id], within=1.0))[user_id]
    return answers.listing(await services.panels.listing(user_id), reader)
