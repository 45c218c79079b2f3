"""Buttons. Each one re-checks that the person clicking may do what it does."""

from __future__ import annotations

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.home.agenda import HomePages
from bot.panels.service import NotACoordinator
from bot.services import Services
from bot.slack import ids
from bot.slack.home.publish import publish_home
from bot.slack.modals.schedule import schedule_basics_modal
from handlers.replies import tell_privately


def register(app: AsyncApp, services: Services) -> None:
    @app.action(ids.OPEN_SCHEDULER)
    async def open_scheduler(
        ack: AsyncAck, body: dict, respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        user_id = body["user"]["id"]
        person = await services.directory.person(user_id)
        if not services.panels.may_schedule(user_id):
            await tell_privately(services, body, respond, client, str(NotACoordinator()))
            return
        view = schedule_basics_modal(
            candidate_name="", coordinator_tz=person.tz, now=services.clock.now()
        )
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(ids.HOME_PAGE)
    @app.action(ids.HOME_REFRESH)
    async def home_page(ack: AsyncAck, body: dict) -> None:
        """App Home's paging and refresh: the home is only ever the clicker's own."""
        await ack()
        value = (body.get("actions") or [{}])[0].get("value", "")
        await publish_home(services, body["user"]["id"], HomePages.decode(value))
