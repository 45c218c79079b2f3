"""What the bot tells people after a panel, as plain data.

The notices are platform-neutral (``bot.slack.notices.followup`` renders them for Slack);
``scheduling.followup_composers`` builds each from the panel as it is when its nudge is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.followup.progress import Blocker
from bot.panels.notices import PanelBrief

DEFAULT_ZONE = "UTC"


@dataclass(frozen=True)
class FeedbackAsk:
    """To a panelist at the panel's end (``reminder``: again, a day later): your feedback."""

    brief: PanelBrief
    focus_area: str
    focus_detail: str
    reminder: bool = False
    #: Where the panelist writes their scorecard when the ATS keeps it and has no API to
    #: write it (Greenhouse): the ask links there instead of HireBot's form.
    scorecard: tuple[str, str] | None = None  # (ATS name, URL)


@dataclass(frozen=True)
class MissingFeedback:
    user_id: str
    days_overdue: int


@dataclass(frozen=True)
class FeedbackEscalation:
    """To the hiring manager: whose feedback is missing, with a way to excuse each."""

    brief: PanelBrief
    missing: tuple[MissingFeedback, ...]


@dataclass(frozen=True)
class FeedbackLine:
    """One panelist's feedback as the decision summary shows it."""

    author_id: str
    focus_area: str
    focus_detail: str
    recommendation: str
    rating: int
    evidence: str
    concerns: str


@dataclass(frozen=True)
class DecisionAsk:
    """To the hiring manager: everyone's recommendation, focus and evidence, and the buttons."""

    brief: PanelBrief
    lines: tuple[FeedbackLine, ...]
    excused: tuple[str, ...]
    missing: tuple[str, ...]
    reminder: bool = False
    days_waiting: int = 0
    on_hold: str = ""  # the reason of a hold, if the latest decision is one


@dataclass(frozen=True)
class CandidateUpdateAsk:
    """To the recruiter after a decision: tell the candidate, then say so."""

    brief: PanelBrief
    outcome: str
    reason: str
    decided_by: str
    holding_message: str = ""  # for a hold: a draft telling the candidate it takes longer


@dataclass(frozen=True)
class CandidateWaiting:
    """The candidate has not heard from us within the SLA: to the recruiter and hiring manager
    (daily), then to the coordinator (``escalation``). Names each blocker and its owner."""

    brief: PanelBrief
    recruiter_id: str
    hiring_manager_id: str
    since: datetime  # when the candidate-update clock started
    days_overdue: int  # business days past the SLA, in the reader's zone
    blockers: tuple[Blocker, ...]
    holding_message: str  # a draft for the candidate while the decision is pending; "" if decided
    escalation: bool = False
