"""``POST /ats/ashby/webhook``: Ashby's interview schedule webhooks.

The signature is checked on the raw body before anything is parsed: a missing or wrong
``Ashby-Signature`` gets 401 and changes nothing. A valid delivery queues an import of the
schedule it names (by id and update time, so a duplicate or an older delivery is a no-op) and is
answered at once; the import runs in the background and through the task queue, so an Ashby
outage delays it without losing it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.ats.http import parse_time
from bot.ats.sync import AtsService

log = logging.getLogger(__name__)

#: Largest body taken (a schedule with its events is a few kilobytes).
MAX_BODY = 512 * 1024


def signature_ok(secret: str, body: bytes, header: str) -> bool:
    """``Ashby-Signature: sha256=<hex HMAC-SHA256 of the raw body>``, compared in constant time."""
    algorithm, _, digest = header.strip().partition("=")
    if algorithm != "sha256" or not digest:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, digest.strip().lower())


def ashby_route(service: AtsService, secret: str) -> Route:
    async def webhook(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            return PlainTextResponse("too large", status_code=413)
        if not signature_ok(secret, body, request.headers.get("ashby-signature", "")):
            log.warning("refused an Ashby webhook: missing or bad signature")
            return PlainTextResponse("invalid signature", status_code=401)
        try:
            payload = json.loads(body)
        except ValueError:
            log.warning("refused a signed Ashby webhook: malformed JSON")
            return PlainTextResponse("bad request", status_code=400)
        action = payload.get("action") if isinstance(payload, dict) else None
        if action == "ping":
            return JSONResponse({"ok": True})
        if not isinstance(action, str) or not action.startswith("interviewSchedule"):
            return JSONResponse({"ok": True, "ignored": str(action)[:64]})
        schedule = (payload.get("data") or {}).get("interviewSchedule") or {}
        schedule_id, updated = schedule.get("id"), parse_time(schedule.get("updatedAt"))
        application_id = schedule.get("applicationId")
        if (
            not isinstance(schedule_id, str)
            or updated is None
            or not isinstance(application_id, str)
        ):
            log.warning(
                "refused a signed Ashby webhook: no schedule id, update time or application"
            )
            return PlainTextResponse("bad request", status_code=400)
        queued = await service.queue_import(
            schedule_id, updated, {"application_id": application_id}
        )
        if queued:
            service.kick()
        log.info(
            "Ashby %s for schedule %s: %s",
            action,
            schedule_id,
            "queued" if queued else "already seen",
        )
        return JSONResponse({"ok": True, "queued": queued})

    return Route("/ats/ashby/webhook", webhook, methods=["POST"])
