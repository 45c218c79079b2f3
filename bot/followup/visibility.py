"""Who may read what people wrote about the candidate: one rule, for every place it shows.

*Assessments* are the panelists' feedback, the hiring manager's decision reasons (a hold's
included) and the recruiter's notes of what the candidate was told. Blind feedback exists so
that nobody is anchored by someone else's view before writing their own, so:

- whoever **owes feedback** on the panel (seated, attending, not excused, not yet submitted)
  reads none of them, whatever else they are: an owner seated as a panelist too ("yours first");
- the panel's **owners** (coordinator, hiring manager, recruiter) read them all otherwise;
- a **panelist** reads them once their own feedback is in, and never otherwise (one who
  declined or was excused gave none, so reads none).

Everything else on the panel (who still owes feedback, that a decision was made, the audit
trail's events) is for everyone on the panel; ``bot.panels.access`` decides who that is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.followup.progress import Blocker, PanelProgress
from bot.models import Panel
from bot.panels import access


def may_read(*, owner: bool, seated: bool, owes_feedback: bool, submitted: bool) -> bool:
    """The rule itself, on plain facts about one reader and one panel."""
    if submitted:
        return True
    if seated and owes_feedback:
        return False
    return owner


def may_read_panel(panel: Panel, user_id: str, submitted: bool) -> bool:
    """The rule for a stored panel; ``submitted``: the reader's own feedback is in."""
    seat = next((p for p in panel.panelists if p.user_id == user_id), None)
    owes = seat is not None and seat.declined_at is None and seat.excused_at is None
    return may_read(
        owner=user_id in access.owners(panel),
        seated=seat is not None,
        owes_feedback=owes and not submitted,
        submitted=submitted,
    )


def may_read_progress(progress: PanelProgress, user_id: str) -> bool:
    """The rule for a panel's follow-up state (``/panel stalled``, App Home)."""
    seat = next((s for s in progress.seats if s.user_id == user_id), None)
    owners = {progress.coordinator_id, progress.hiring_manager_id, progress.recruiter_id}
    return may_read(
        owner=user_id in owners,
        seated=seat is not None,
        owes_feedback=seat is not None and seat.owes_feedback,
        submitted=seat is not None and seat.feedback_at is not None,
    )


def blockers_for(blockers: Sequence[Blocker], allowed: bool) -> list[Blocker]:
    """The blockers as a reader sees them: without their notes (a hold's reason, what was
    decided) unless the rule lets them read those."""
    return list(blockers) if allowed else [replace(b, note="") for b in blockers]
