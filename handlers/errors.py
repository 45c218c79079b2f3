"""What a person is told when a listener fails: privately, in plain words, never a Slack error.

The database out of reach (a deleted or read-only SQLite file, PostgreSQL down) is expected in
operation: one log line, and "can't save right now, try again shortly". Anything else is a bug:
it is logged with its traceback, and the person gets a short apology. Either way the answer
goes where they are looking: next to the first field of a modal they submitted (which stays
open, so nothing they typed is lost), as the command's own reply, or beside the clicked button.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse

from bot.db import unavailable
from bot.services import Services

log = logging.getLogger(__name__)

CANT_SAVE = "HireBot can't save right now. Nothing was changed: please try again shortly."
BROKEN = "Sorry, something went wrong on HireBot's side. Nothing was changed: please try again."


def _json(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(
        status=200, body=json.dumps(payload), headers={"content-type": "application/json"}
    )


def first_field(view: dict[str, Any]) -> str | None:
    """The block id of a view's first input: where a modal-wide message can be shown."""
    return next(
        (b.get("block_id") for b in view.get("blocks") or [] if b.get("type") == "input"), None
    )


def register(app: AsyncApp, services: Services) -> None:
    @app.error
    async def on_error(
        error: Exception, body: dict, response: BoltResponse | None, respond, client
    ) -> BoltResponse | None:
        if unavailable(error):
            log.warning("the database is unavailable: %s", str(error).splitlines()[0][:300])
            text = CANT_SAVE
        else:
            log.error("a listener failed on a %s", body.get("type", "command"), exc_info=error)
            text = BROKEN
        kind = body.get("type")
        user_id = (body.get("user") or {}).get("id") or body.get("user_id")
        if response is not None:  # not acknowledged yet: the answer is the HTTP response
            if kind == "view_submission":
                field = first_field(body.get("view") or {})
                if field:
                    return _json({"response_action": "errors", "errors": {field: text}})
            elif kind == "block_suggestion":
                return _json({"options": []})
            elif body.get("command"):
                return _json({"response_type": "ephemeral", "text": text})
            response.status, response.body = 200, ""
        await tell(respond, client, body, user_id, text)
        return None

    async def tell(respond, client, body: dict, user_id: str | None, text: str) -> None:
        """After the ack: beside what they clicked or typed, else in their DM with the app."""
        try:
            if body.get("response_url"):
                await respond(text=text, response_type="ephemeral", replace_original=False)
            elif user_id:
                await services.platform.reply_privately(user_id, text)
        except Exception as exc:  # Slack itself failing: nothing more to do but say so once
            log.warning("could not tell %s that something failed: %s", user_id, exc)
