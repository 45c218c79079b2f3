"""The connector interface: what HireBot asks of an applicant tracking system, as plain data.

No ATS type crosses this line. A connector turns its ATS's interview schedule into an
``Interview`` (people by email, times in UTC), fetches a résumé's bytes afresh (ATS links
expire), reads earlier rounds' feedback, and writes a panelist's feedback back where the ATS
has an API for it. ``refs`` carry the connector's own ids opaquely (what it needs to find the
résumé or the feedback form again); the core stores them and hands them back untouched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


class AtsError(Exception):
    """An ATS call failed; ``str()`` never carries a credential."""


class AtsUnavailable(AtsError):
    """429, 5xx, a timeout or a dropped connection: worth trying again later.
    ``retry_after``: seconds the ATS asked us to wait (429), if it said."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AtsRejected(AtsError):
    """The ATS refused the request (4xx, or Ashby's 200 with ``success: false``): trying again
    would not help."""


class ResumeExpired(AtsError):
    """The résumé's download link no longer works (expired): ask the ATS for a fresh one."""


@dataclass(frozen=True)
class AtsPerson:
    """Someone in the ATS, matched to chat users by ``email``."""

    email: str
    name: str = ""


@dataclass(frozen=True)
class Interview:
    """One scheduled interview (a panel, if its stage says so), as HireBot uses it."""

    source: str  # the connector's name: "ashby", "greenhouse"
    id: str
    updated_at: datetime
    cancelled: bool
    candidate_id: str
    candidate_name: str
    job_title: str
    job_description: str
    stage: str  # the interview stage's name
    interview_name: str  # the interview's own name ("Onsite panel")
    starts_at: datetime
    ends_at: datetime
    location: str = ""
    video_url: str = ""
    timezone: str = ""  # when the ATS knows the zone it was arranged in
    interviewers: tuple[AtsPerson, ...] = ()
    organiser: AtsPerson | None = None
    coordinator: AtsPerson | None = None
    hiring_manager: AtsPerson | None = None
    recruiter: AtsPerson | None = None
    candidate_url: str = ""  # the candidate's page in the ATS (stable; needs a login)
    scorecard_url: str = ""  # where an interviewer writes their scorecard, when not by API
    has_resume: bool = False
    #: The connector's own ids for later calls (application, feedback form, résumé, users).
    refs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ResumeFile:
    name: str
    content: bytes
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class EarlierFeedback:
    """An earlier round's scorecard: who interviewed, what they asked, what they noted."""

    interviewer: AtsPerson | None
    interview_name: str
    questions: tuple[str, ...]
    notes: str
    submitted_at: datetime | None = None


@dataclass(frozen=True)
class FeedbackToSubmit:
    """A panelist's HireBot feedback, for the ATS's own form."""

    interviewer_email: str
    recommendation: str  # a ``bot.models.Recommendation`` value
    rating: int  # 1-4
    evidence: str
    concerns: str
    questions_asked: tuple[str, ...]


@dataclass(frozen=True)
class SubmittedScorecard:
    """A scorecard an interviewer wrote in the ATS itself (where HireBot cannot write)."""

    interviewer_email: str
    recommendation: str  # a ``bot.models.Recommendation`` value
    submitted_at: datetime | None
    questions: tuple[str, ...] = ()


class AtsConnector(Protocol):
    name: str  # "ashby"
    label: str  # "Ashby", as people read it
    writes_feedback: bool  # whether ``submit_feedback`` exists for this ATS

    async def interview(self, interview_id: str, refs: Mapping[str, Any]) -> Interview | None:
        """The interview as it is now; None when the ATS no longer has it."""
        ...

    async def changed_since(self, since: datetime | None) -> list[Interview]:
        """Interviews created or changed at or after ``since`` (all when None), oldest change
        first."""
        ...

    async def existing(self, interview_ids: Sequence[str]) -> set[str]:
        """Which of these interviews the ATS still has (one it deleted was cancelled)."""
        ...

    async def resume(self, interview: Interview | None, refs: Mapping[str, Any]) -> ResumeFile:
        """The candidate's résumé, downloaded now through a fresh link."""
        ...

    async def earlier_feedback(self, interview: Interview) -> list[EarlierFeedback]:
        """Feedback submitted on the candidate's application before this interview."""
        ...

    async def submit_feedback(self, refs: Mapping[str, Any], feedback: FeedbackToSubmit) -> str:
        """Write feedback into the interview's own feedback form; returns the ATS's id."""
        ...

    async def scorecards(self, refs: Mapping[str, Any]) -> list[SubmittedScorecard]:
        """Scorecards already submitted in the ATS for this interview."""
        ...

    async def close(self) -> None: ...


def in_panel_stages(interview: Interview, stages: Sequence[str]) -> bool:
    """Whether ``HIREBOT_ATS_PANEL_STAGES`` names this interview's stage or its name."""
    wanted = {s.casefold() for s in stages}
    return interview.stage.casefold() in wanted or interview.interview_name.casefold() in wanted
