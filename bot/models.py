"""The database schema: candidates, roles, rounds, panels, panelists, prep, feedback, decisions,
candidate updates, the audit trail and the outbox of nudges.

Times are stored in UTC (``UTCDateTime``) and converted to a person's zone only when shown.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names so Alembic migrations read the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite (naive) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class PanelFormat(enum.StrEnum):
    CONVERSATION = "conversation"
    PRESENTATION = "presentation"
    CASE_STUDY = "case_study"
    TECHNICAL_EXERCISE = "technical_exercise"


class PanelStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class FocusArea(enum.StrEnum):
    TECHNICAL_DEPTH = "technical_depth"
    CULTURE_VALUES = "culture_values"
    STAKEHOLDER_ALIGNMENT = "stakeholder_alignment"
    CASE_REVIEW = "case_review"
    LEADERSHIP = "leadership"
    OTHER = "other"


class Perspective(enum.StrEnum):
    PEER = "peer"
    CROSS_FUNCTIONAL = "cross_functional"
    LEADERSHIP = "leadership"


class Recommendation(enum.StrEnum):
    STRONG_NO = "strong_no"
    NO = "no"
    YES = "yes"
    STRONG_YES = "strong_yes"


class DecisionOutcome(enum.StrEnum):
    ADVANCE = "advance"
    OFFER = "offer"
    REJECT = "reject"
    HOLD = "hold"  # not final: the decision is still pending, with a reason


class Candidate(Base):
    __tablename__ = "candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Role(Base):
    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    responsibilities: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PriorRound(Base):
    """What an earlier round learned and asked, so the next one does not ask it again."""

    __tablename__ = "prior_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    round_number: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    interviewer_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_prior_rounds_candidate", "candidate_id", "round_number"),)


class Platform(enum.StrEnum):
    SLACK = "slack"
    TEAMS = "teams"


class Workspace(Base):
    """Where people live: a Slack workspace (team) or a Teams tenant. Every panel belongs to
    one, and so, through it, does everything stored about the panel."""

    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    #: The Slack team id or the Azure AD tenant id ("" for the Slack workspace installed before
    #: workspaces existed, until its team id is known).
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("platform", "external_id"),)


class ChangeCounter(Base):
    """How many changes have committed: bumped in the transaction of every change to a panel
    (``bot.changes.counter``), so a cached answer keyed by it is never older than the last
    commit, whichever replica made it. One row per scope (``panels``)."""

    __tablename__ = "change_counters"

    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, default=0)


class TeamsConversation(Base):
    """How to reach a person in Teams: the conversation reference stored when the app was
    installed for them or for a team they are in, and their 1:1 chat with the bot."""

    __tablename__ = "teams_conversations"

    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    aad_object_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"))
    user_id: Mapped[str] = mapped_column(String(255))  # the Bot Framework id ("29:…")
    service_url: Mapped[str] = mapped_column(String(500))
    bot_id: Mapped[str] = mapped_column(String(255))
    #: The 1:1 chat, once known (from a personal install or created by the bot).
    conversation_id: Mapped[str | None] = mapped_column(String(500))
    #: Where the reference came from: "personal", or the team id it was seen in.
    source: Mapped[str] = mapped_column(String(255), default="personal")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TeamsHomeCard(Base):
    """A Teams person's home card: the one message HireBot updates in place when their panels
    change (its activity id is kept by Teams across updates)."""

    __tablename__ = "teams_home_cards"

    aad_object_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(500))
    activity_id: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SharedFile(Base):
    """A file shared through a link HireBot serves (Teams' .ics invites), until it expires."""

    __tablename__ = "shared_files"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    recipient_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    #: The message that carries the link, so the file can be taken back (``delete_file``).
    activity_id: Mapped[str | None] = mapped_column(String(64))


class Panel(Base):
    __tablename__ = "panels"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int | None] = mapped_column(ForeignKey("workspaces.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id"))
    round_number: Mapped[int] = mapped_column(Integer, default=2)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_minutes: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(32))
    location: Mapped[str] = mapped_column(String(500), default="")
    resume_url: Mapped[str | None] = mapped_column(String(2000))
    coordinator_id: Mapped[str] = mapped_column(String(64))
    hiring_manager_id: Mapped[str] = mapped_column(String(64))
    recruiter_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=PanelStatus.SCHEDULED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Bumped by the change pipeline in every change to this panel (``bot.home.facts``).
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    candidate: Mapped[Candidate] = relationship(lazy="joined", innerjoin=True)
    role: Mapped[Role] = relationship(lazy="joined", innerjoin=True)
    panelists: Mapped[list[Panelist]] = relationship(
        back_populates="panel",
        lazy="selectin",
        order_by="Panelist.position",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        Index("ix_panels_starts_at", "starts_at"),
        Index("ix_panels_coordinator", "coordinator_id", "starts_at"),
        Index("ix_panels_hiring_manager", "hiring_manager_id", "starts_at"),
        Index("ix_panels_recruiter", "recruiter_id", "starts_at"),
    )

    @property
    def reference(self) -> str:
        return f"P-{self.id}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == PanelStatus.CANCELLED

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class Panelist(Base):
    __tablename__ = "panelists"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)
    focus_area: Mapped[str] = mapped_column(String(32))
    focus_detail: Mapped[str] = mapped_column(String(200), default="")
    perspective: Mapped[str] = mapped_column(String(32))
    # Prep: "I've reviewed the materials", or "I can't attend" with a reason.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    # The questions this panelist plans to ask ("Plan my questions"), in their order.
    planned_questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    questions_planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Where their prep packet was posted, so a reschedule or cancellation updates it in place.
    packet_channel: Mapped[str | None] = mapped_column(String(64))
    packet_ts: Mapped[str | None] = mapped_column(String(64))
    # The coordinator excused them from feedback (they left early, were replaced, ...).
    excused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When they took the seat (scheduling, or replacing someone): their packet's moment, which
    # keeps a prep reminder from landing right on top of it.
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    panel: Mapped[Panel] = relationship(back_populates="panelists")

    __table_args__ = (
        UniqueConstraint("panel_id", "user_id"),
        Index("ix_panelists_user", "user_id", "panel_id"),
    )


class Feedback(Base):
    """One panelist's feedback on one panel; editable by its author until the decision."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"))
    author_id: Mapped[str] = mapped_column(String(64))
    recommendation: Mapped[str] = mapped_column(String(16))
    rating: Mapped[int] = mapped_column(Integer)  # 1-4 on the author's focus area
    evidence: Mapped[str] = mapped_column(Text, default="")
    concerns: Mapped[str] = mapped_column(Text, default="")
    questions_asked: Mapped[list[str]] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("panel_id", "author_id"),)


class Decision(Base):
    """The hiring manager's decision after a panel. A panel may collect several (a hold, then
    an offer); the latest one stands."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"))
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_decisions_panel", "panel_id", "decided_at"),)


class CandidateUpdate(Base):
    """The recruiter told the candidate something: the only thing that resets the
    candidate-update clock (internal activity does not)."""

    __tablename__ = "candidate_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"))
    author_id: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_candidate_updates_panel", "panel_id", "at"),)


class Submission(Base):
    """A form submission or click already applied: the same one arriving twice (a double click,
    a retried request, three posts at once) is taken once. ``key`` names the submission (the
    modal's view id, the message and button clicked); ``panel_id`` is what it produced."""

    __tablename__ = "submissions"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    panel_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class PanelDraft(Base):
    """The first step of the scheduling modal, held while the coordinator fills in the second.

    Slack's ``private_metadata`` holds only 3,000 characters, too little for round-1 notes.
    """

    __tablename__ = "panel_drafts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditEvent(Base):
    """Who changed what, when: every change to a panel leaves one of these."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int | None] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"))
    actor_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_audit_events_panel", "panel_id", "at"),)


class NudgeStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its due time
    CLAIMED = "claimed"  # reserved by one sender until ``lease_until``
    SENT = "sent"
    SKIPPED = "skipped"  # its guard said it no longer applies (reason in ``last_error``)
    FAILED = "failed"  # gave up; the coordinator was told
    CANCELLED = "cancelled"  # re-planning removed it before it was due


class Nudge(Base):
    """One message the bot owes someone: the outbox row that makes reminders durable.

    The database, not a scheduler's memory, is the source of truth: any process may claim a
    due row (``claimed_by``/``lease_until``, wall-clock), and the unique ``dedupe_key`` keeps
    re-planning and retried requests from ever adding the same nudge twice.
    """

    __tablename__ = "nudges"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    recipient_id: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=NudgeStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when this row was reclaimed from a sender whose lease lapsed: that sender's lease. The
    # new sender first looks for a message that sender may have delivered before it died.
    lapsed_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    channel: Mapped[str | None] = mapped_column(String(64))
    message_ts: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_nudges_status_due", "status", "due_at"),
        Index("ix_nudges_panel_status", "panel_id", "status"),
        Index("ix_nudges_recipient_status_due", "recipient_id", "status", "due_at"),
    )


# The ATS tables (bot/ats/store.py) share this metadata, so Alembic's comparison sees them.
from bot.ats import store as _ats_store  # noqa: E402, F401
