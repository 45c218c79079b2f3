"""Slack listeners, one module per kind (as in slack-samples' bolt-python starter template).

Each listener parses the payload, asks the core, acks within Slack's 3 seconds and does any
slow work after the ack.
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.services import Services
from handlers import (
    actions,
    commands,
    errors,
    events,
    followup,
    options,
    prep,
    questions,
    views,
)


def register(app: AsyncApp, services: Services) -> None:
    commands.register(app, services)
    views.register(app, services)
    actions.register(app, services)
    options.register(app, services)
    events.register(app, services)
    questions.register(app, services)
    followup.register(app, services)
    prep.register(app, services)
    errors.register(app, services)
