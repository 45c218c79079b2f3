"""Everything Teams sends to ``/api/messages``, after the token check: one ``handle``.

- ``installationUpdate`` / ``conversationUpdate``: store conversation references.
- ``message`` in the personal chat: the ``/panel`` commands as plain text.
- ``message`` ``home``: a fresh home card (``bot.teams.home``), as on install (the welcome).
- ``invoke`` ``adaptiveCard/action``: Universal Action buttons (the answer replaces the card),
  and the home card's automatic refresh (the answer is the asker's own home).
- ``invoke`` ``task/fetch`` / ``task/submit``: dialogs, with field errors inside the dialog.

Every button and submission checks again who acts, through the same core calls as Slack's.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from bot.followup.service import FeedbackLocked
from bot.panels import grammar
from bot.panels.service import NotACoordinator, NotAllowed, PanelClosed, PanelNotFound
from bot.panels.summary import summarise
from bot.prep.service import NotYourPacket
from bot.teams import notices
from bot.teams.cards import Card, card, fill_mentions, heading, mentioned, message, plain, text
from bot.teams.home import pages_of
from bot.teams.home_card import HOME_PAGE, HOME_REFRESH
from bot.teams.references import Member, personal_conversation, tenant_of
from handlers.teams import answers, dialogs

log = logging.getLogger(__name__)

Refusal = (PanelNotFound, NotAllowed, PanelClosed, FeedbackLocked, NotYourPacket)
#: Typed in the personal chat: a fresh copy of the person's home card.
HOME_COMMAND = "home"
_AT = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)


def command_text(raw: str) -> str:
    """What follows ``/panel``: the bot's @mention, tags and a leading ``panel`` dropped."""
    cleaned = _AT.sub(" ", raw or "")
    cleaned = re.sub(r"<[^>]{1,200}>", " ", cleaned).replace("&nbsp;", " ").strip()
    return re.sub(r"^/?panel\b\s*", "", cleaned, flags=re.IGNORECASE).strip()


def refusal_text(refusal: Exception) -> str:
    if isinstance(refusal, PanelNotFound):
        return "I can't find that panel. Type **list** to see the panels you're on."
    if isinstance(refusal, NotYourPacket):
        return "This packet isn't yours: only the panelist it was sent to can answer it."
    return str(refusal)


class TeamsHandlers:
    def __init__(self, services: Any, runtime: Any) -> None:
        self.services = services
        self.runtime = runtime
        self.dialogs = dialogs.Dialogs(services, self)

    # ------------------------------------------------------------------ helpers
    async def person(self, user_id: str):
        return await self.runtime.directory.person_quickly(user_id, 1.5)

    async def finish(self, content: Card) -> Card:
        """Names in place of mentions (an answer is rendered where the reader is)."""
        ids = mentioned(str(content))
        if ids:
            people = await self.runtime.directory.people(ids, within=1.5)
            content = fill_mentions(content, {i: p.name for i, p in people.items() if p.known})
        return content

    async def reply(self, activity: dict[str, Any], content: Card, summary: str) -> None:
        """A card into the conversation the activity came from (through HireBot's connector
        client, so a 429 or an outage is a typed error like every other send)."""
        content = await self.finish(content)
        await self.runtime.connector.send(
            activity["serviceUrl"], activity["conversation"]["id"], message(content, summary)
        )

    async def remember(self, activity: dict[str, Any], members: list[Member], source: str) -> None:
        tenant = tenant_of(activity)
        if not tenant or not activity.get("serviceUrl"):
            return
        if (
            self.runtime.settings.teams_tenant_id
            and tenant != self.runtime.settings.teams_tenant_id
        ):
            log.warning("ignored an activity from another tenant: %s", tenant)
            return
        await self.runtime.references.remember(
            tenant_id=tenant,
            members=members,
            service_url=activity["serviceUrl"],
            bot_id=str((activity.get("recipient") or {}).get("id") or ""),
            conversation_id=personal_conversation(activity),
            source=source,
            now=self.services.clock.now(),
        )

    @staticmethod
    def sender(activity: dict[str, Any]) -> Member:
        sent_by = activity.get("from") or {}
        return Member(str(sent_by.get("aadObjectId") or "").lower(), str(sent_by.get("id") or ""))

    # ------------------------------------------------------------------ entry point
    async def handle(self, activity: dict[str, Any]) -> Any:
        kind = activity.get("type")
        if kind == "installationUpdate":
            return await self.on_installation(activity)
        if kind == "conversationUpdate":
            return await self.on_conversation_update(activity)
        if kind == "message":
            return await self.on_message(activity)
        if kind == "invoke":
            return await self.on_invoke(activity)
        return None

    async def on_installation(self, activity: dict[str, Any]) -> None:
        action = str(activity.get("action") or "")
        if not action.startswith("add"):
            return
        scope = (activity.get("conversation") or {}).get("conversationType") or "personal"
        await self.remember(
            activity, [self.sender(activity)], "personal" if scope == "personal" else scope
        )
        if scope == "personal":  # the welcome is the person's home card
            await self.send_home(activity, welcome=True)

    async def on_conversation_update(self, activity: dict[str, Any]) -> None:
        added = activity.get("membersAdded") or []
        members = [
            Member(str(m.get("aadObjectId") or "").lower(), str(m.get("id") or ""))
            for m in added
            if m.get("aadObjectId")
        ]
        team = ((activity.get("channelData") or {}).get("team") or {}).get("id") or "personal"
        bot_id = (activity.get("recipient") or {}).get("id")
        if any(m.get("id") == bot_id for m in added):  # the app was added: its installer too
            members.append(self.sender(activity))
        if members:
            await self.remember(activity, members, str(team))

    # ------------------------------------------------------------------ commands
    async def on_message(self, activity: dict[str, Any]) -> None:
        sender = self.sender(activity)
        if not sender.aad_object_id:
            return
        conversation = activity.get("conversation") or {}
        if conversation.get("conversationType") not in (None, "personal"):
            await self.reply(
                activity,
                card(
                    [
                        text(
                            "Let's talk in our personal chat: commands and panels stay private there."
                        )
                    ]
                ),
                "HireBot",
            )
            return
        await self.remember(activity, [sender], "personal")
        said = command_text(activity.get("text") or "")
        if said.lower() == HOME_COMMAND:
            await self.send_home(activity)
            return
        content, summary = await self.command(sender.aad_object_id, said)
        await self.reply(activity, content, summary)

    async def send_home(self, activity: dict[str, Any], *, welcome: bool = False) -> None:
        """A new home card for the sender (the older one points to it); the usage if the
        home can't be sent."""
        try:
            await self.runtime.platform.home.send(
                self.sender(activity).aad_object_id, welcome=welcome
            )
        except Exception:
            log.warning("could not send a home card; sending the usage", exc_info=True)
            await self.reply(activity, answers.usage(), "Welcome to HireBot")

    async def command(self, user_id: str, raw: str) -> tuple[Card, str]:
        services = self.services
        parsed = grammar.parse(raw)
        if parsed.name == "help":
            return answers.usage(parsed.problem), "HireBot: usage"
        if parsed.name == "new":
            if not services.settings.is_coordinator(user_id):
                return card([text(str(NotACoordinator()))]), "Not a coordinator"
            return answers.schedule_prompt(parsed.argument), "Schedule a panel"
        reader = await self.person(user_id)
        if parsed.name == "list":
            return answers.listing(await services.panels.listing(user_id), reader), "Your panels"
        if parsed.name == "stalled":
            found = await services.reports.stalled(user_id, reader.tz, limit=answers.MAX_STALLED)
            return answers.stalled(found, reader), "Stalled candidates"
        assert parsed.panel_id is not None
        try:
            if parsed.name == "status":
                report = await services.status.status(user_id, parsed.panel_id, reader.tz)
                return answers.status(report, reader), f"Status of {report.summary.reference}"
            if parsed.name == "history":
                history = await services.reports.history(user_id, parsed.panel_id)
                return answers.history(history, reader), f"History of {history.reference}"
            panel = await services.panels.manageable(user_id, parsed.panel_id)
            if panel.is_cancelled:
                raise PanelClosed(f"{panel.reference} is already cancelled.")
            summary = await summarise(panel, services.flows.directory)
            return answers.change_prompt(summary, parsed.name), f"{parsed.name} {panel.reference}"
        except Refusal as refusal:
            return card([text(refusal_text(refusal))]), "HireBot"

    # ------------------------------------------------------------------ invokes
    async def on_invoke(self, activity: dict[str, Any]) -> Any:
        name = activity.get("name")
        sender = self.sender(activity)
        value = activity.get("value") or {}
        if name == "adaptiveCard/action":
            action = value.get("action") or {}
            return await self.on_action(
                sender.aad_object_id, str(action.get("verb") or ""), action.get("data") or {}
            )
        if name == "task/fetch":
            return await self.dialogs.open(sender.aad_object_id, value.get("data") or {})
        if name == "task/submit":
            return await self.dialogs.submit(sender.aad_object_id, value.get("data") or {})
        return {"status": 200}

    async def on_action(self, user_id: str, verb: str, data: dict[str, Any]) -> dict[str, Any]:
        """A Universal Action: the answer is the card shown in place of the clicked one."""
        home = self.runtime.platform.home
        if verb in (HOME_REFRESH, HOME_PAGE):
            # Teams' automatic refresh of a home card, or its own buttons: whoever asks gets
            # their own home, never the home of the person whose card it was.
            return _card_answer(await home.card(user_id, pages_of(data)))
        try:
            done = await self.apply(user_id, verb, data)
        except Refusal as refusal:
            # The clicked card stays as it was for everyone else; this person is told why.
            problem = refusal_text(refusal)
            if "home" in data:
                return _card_answer(await home.card(user_id, pages_of(data), problem=problem))
            return _card_answer(card([text(plain(problem, 500))]))
        if "home" in data and done is not None:  # clicked on the home: the answer is the home
            return _card_answer(await home.card(user_id, pages_of(data)))
        return _card_answer(done or card([text("That button is out of date.")]))

    async def apply(self, user_id: str, verb: str, data: dict[str, Any]) -> Card | None:
        """A packet's or an escalation's action, through the core (which checks who acts);
        the card that says it is done, or None for a button HireBot no longer knows."""
        try:
            panel_id = int(str(data.get("panel")))
        except (TypeError, ValueError):
            return None
        if verb == notices.CONFIRM_PREP:
            panel = await self.services.prep.confirm(user_id, panel_id)
            return card(
                [
                    heading(f"Prep packet: {panel.reference}"),
                    text(
                        "✅ **You've reviewed the materials.** Thanks: the coordinator can see it."
                    ),
                ]
            )
        if verb == notices.EXCUSE:
            panelist = str(data.get("panelist") or "")
            panel = await self.services.followup.excuse(user_id, panel_id, panelist)
            done = card(
                [
                    heading(f"Feedback: {panel.reference}"),
                    text(f"Excused {notices.mention(panelist)} from feedback."),
                ]
            )
            return await self.finish(done)
        return None


def _card_answer(content: Card) -> dict[str, Any]:
    return {
        "statusCode": 200,
        "type": "application/vnd.microsoft.card.adaptive",
        "value": content,
    }
