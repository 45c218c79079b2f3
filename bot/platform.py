"""The chat-platform port: what the core asks a platform to do, and everything it may be told.

Domain flows build notices as plain data (``bot.panels.notices``, ``bot.prep.notices``,
``bot.followup.notices``); each platform adapter renders them (Block Kit for Slack, Adaptive
Cards for Teams) and delivers them privately. Adapters raise ``bot.delivery`` errors, so the
core never imports a platform.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.ats.notices import AtsNote
from bot.delivery import Delivery, FileToShare, Posted
from bot.followup.notices import (
    CandidateUpdateAsk,
    CandidateWaiting,
    DecisionAsk,
    FeedbackAsk,
    FeedbackEscalation,
)
from bot.panels.notices import NudgeFailed, PanelCancelled, PanelRescheduled, PanelScheduled
from bot.people import Person
from bot.prep.notices import (
    CalendarInvite,
    PacketWithdrawn,
    PanelistDeclined,
    PrepEscalation,
    PrepPacket,
    PrepReminder,
)


@dataclass(frozen=True)
class Digest:
    """Several notices for one person that fell due together, sent as one message."""

    notices: tuple[Notice, ...]


Notice = (
    PanelScheduled
    | PanelRescheduled
    | PanelCancelled
    | NudgeFailed
    | PrepPacket
    | PacketWithdrawn
    | PanelistDeclined
    | CalendarInvite
    | PrepReminder
    | PrepEscalation
    | FeedbackAsk
    | FeedbackEscalation
    | DecisionAsk
    | CandidateUpdateAsk
    | CandidateWaiting
    | AtsNote
    | Digest
)


#: Notices shared as a file (``ChatPlatform.send_file``), never rendered as a message.
FILE_NOTICES = (CalendarInvite,)


class ChatPlatform(Protocol):
    #: Seconds between two messages to one person: the platform's per-conversation limit.
    pace_per_recipient: float

    async def send_direct(
        self, recipient: Person, notice: Notice, *, nudge_ids: Sequence[int] = ()
    ) -> Delivery:
        """Deliver ``notice`` privately to ``recipient``, rendered in their time zone; the
        message names ``nudge_ids`` where the platform can carry such data."""
        ...

    async def update(self, recipient: Person, where: Delivery, notice: Notice) -> Delivery:
        """Replace the message at ``where`` with ``notice`` (same message, same place)."""
        ...

    async def send_file(self, recipient: Person, file: FileToShare) -> Delivery:
        """Share ``file`` privately with ``recipient``."""
        ...

    async def delete_file(self, where: Delivery) -> None:
        """Remove a file shared with ``send_file`` (an ATS résumé someone no longer needs);
        one already gone is no error."""
        ...

    async def reply_privately(self, recipient_id: str, text: str) -> None:
        """A short answer only ``recipient_id`` sees, in their conversation with the bot."""
        ...

    async def posted_since(self, recipient: Person, since: datetime) -> list[Posted]:
        """What the bot posted to ``recipient`` since ``since`` (to tell after a crash whether
        a send went through)."""
        ...

    async def refresh_home(self, user_id: str) -> None:
        """``user_id``'s panels changed: bring the home view the platform keeps for them up to
        date, where it keeps one (``bot.home.refresh`` calls this after every change)."""
        ...


async def deliver(
    platform: ChatPlatform, recipient: Person, notice: Notice, *, nudge_ids: Sequence[int] = ()
) -> Delivery:
    """Send ``notice`` the way it asks to go: a file, an update in place, or a new message."""
    if isinstance(notice, FILE_NOTICES):
        return await platform.send_file(recipient, notice.as_file())
    if isinstance(notice, PrepPacket | PacketWithdrawn) and notice.replaces is not None:
        return await platform.update(recipient, notice.replaces, notice)
    return await platform.send_direct(recipient, notice, nudge_ids=nudge_ids)
