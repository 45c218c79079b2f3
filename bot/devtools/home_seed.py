"""Panels in given states, straight into the database: set-up for App Home's tests and bench.

The flows that produce these states (confirming a packet, submitting feedback, deciding,
updating the candidate) have wire tests of their own; App Home only reads the result, so its
tests may build the state directly. ``add_panel`` is one panel; ``seed_active_panels`` bulk-
inserts many with ``INSERT … RETURNING`` (hundreds in well under a second).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import insert

from bot.db import Database
from bot.devtools.people import COORDINATOR, HIRING_MANAGER, RECRUITER
from bot.models import (
    Candidate,
    CandidateUpdate,
    Decision,
    Feedback,
    Panel,
    Panelist,
    PanelStatus,
    Role,
)


@dataclass
class Seat:
    user_id: str
    confirmed_at: datetime | None = None
    declined_at: datetime | None = None
    excused_at: datetime | None = None
    feedback_at: datetime | None = None  # a Feedback row from this panelist, at this time
    planned_questions: list[str] = field(default_factory=list)


async def add_panel(
    db: Database,
    *,
    starts_at: datetime,
    seats: Sequence[Seat | str],
    now: datetime,
    candidate: str = "Ada Lovelace",
    role: str = "Senior Data Engineer",
    duration_minutes: int = 60,
    coordinator: str = COORDINATOR,
    hiring_manager: str = HIRING_MANAGER,
    recruiter: str = RECRUITER,
    cancelled: bool = False,
    decisions: Sequence[tuple[str, datetime, str]] = (),  # (outcome, decided_at, reason)
    updates: Sequence[datetime] = (),  # the recruiter's "I've updated the candidate" times
    feedback_text: str = "Solid SQL, asked about streaming.",
) -> int:
    """One panel with its seats' prep and feedback, decisions and candidate updates; its id."""
    seated = [s if isinstance(s, Seat) else Seat(s) for s in seats]
    async with db.session() as session:
        panel = Panel(
            candidate=Candidate(name=candidate, created_at=now),
            role=Role(title=role, responsibilities="Own the pipelines.", created_at=now),
            round_number=2,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            timezone="America/New_York",
            format="conversation",
            location="https://meet.example.com/r2",
            resume_url=None,
            coordinator_id=coordinator,
            hiring_manager_id=hiring_manager,
            recruiter_id=recruiter,
            status=PanelStatus.CANCELLED if cancelled else PanelStatus.SCHEDULED,
            created_at=now,
            updated_at=now,
            panelists=[
                Panelist(
                    user_id=s.user_id,
                    position=i,
                    focus_area="technical_depth",
                    perspective="peer",
                    confirmed_at=s.confirmed_at,
                    declined_at=s.declined_at,
                    excused_at=s.excused_at,
                    planned_questions=list(s.planned_questions),
                )
                for i, s in enumerate(seated)
            ],
        )
        session.add(panel)
        await session.flush()
        for s in seated:
            if s.feedback_at is not None:
                session.add(
                    Feedback(
                        panel_id=panel.id,
                        author_id=s.user_id,
                        recommendation="yes",
                        rating=3,
                        evidence=feedback_text,
                        concerns=feedback_text,
                        submitted_at=s.feedback_at,
                        updated_at=s.feedback_at,
                    )
                )
        for outcome, at, reason in decisions:
            session.add(
                Decision(
                    panel_id=panel.id,
                    outcome=outcome,
                    reason=reason,
                    decided_by=hiring_manager,
                    decided_at=at,
                )
            )
            await session.flush()  # decisions are ordered by id: keep the given order
        for at in updates:
            session.add(CandidateUpdate(panel_id=panel.id, author_id=recruiter, note="", at=at))
        return panel.id


async def seed_active_panels(
    db: Database,
    user_id: str,
    count: int,
    *,
    now: datetime,
    others: Sequence[str] = (),
    as_panelist: bool = True,
) -> list[int]:
    """``count`` upcoming panels a day apart, each with ``user_id`` on it (a panelist, or the
    coordinator when ``as_panelist`` is off) and ``others`` beside them; nothing confirmed."""
    async with db.session() as session:
        candidate_id = await session.scalar(
            insert(Candidate).values(name="Bench Candidate", created_at=now).returning(Candidate.id)
        )
        role_id = await session.scalar(
            insert(Role)
            .values(title="Bench Role", responsibilities="Ship things.", created_at=now)
            .returning(Role.id)
        )
        panel_ids = list(
            await session.scalars(
                insert(Panel).returning(Panel.id, sort_by_parameter_order=True),
                [
                    {
                        "candidate_id": candidate_id,
                        "role_id": role_id,
                        "round_number": 2,
                        "starts_at": now + timedelta(days=1 + i, hours=1),
                        "duration_minutes": 60,
                        "timezone": "America/New_York",
                        "format": "conversation",
                        "location": "",
                        "resume_url": None,
                        "coordinator_id": COORDINATOR if as_panelist else user_id,
                        "hiring_manager_id": HIRING_MANAGER,
                        "recruiter_id": RECRUITER,
                        "status": PanelStatus.SCHEDULED,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in range(count)
                ],
            )
        )
        seated = ([user_id] if as_panelist else []) + list(others)
        await session.execute(
            insert(Panelist),
            [
                {
                    "panel_id": panel_id,
                    "user_id": seat,
                    "position": position,
                    "focus_area": "technical_depth",
                    "focus_detail": "",
                    "perspective": "peer",
                    "decline_reason": "",
                    "planned_questions": [],
                }
                for panel_id in panel_ids
                for position, seat in enumerate(seated)
            ],
        )
    return panel_ids
