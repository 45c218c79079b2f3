"""Many due nudges at once, for the outbox tests, the replica tests and ``bench/drain.py``.

Each recipient gets a panel of their own (so the prep reminder's guards pass: the recipient is
on the panel, it has not started) and one prep reminder due at ``due_at``. Rows go in with bulk
INSERTs: seeding 10,000 takes seconds, not the minutes 10,000 scheduling modals would.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import insert

from bot.db import Database
from bot.devtools.fake_slack import FakeUser
from bot.devtools.people import COORDINATOR, HIRING_MANAGER, RECRUITER
from bot.models import Candidate, Nudge, NudgeStatus, Panel, Panelist, Role
from scheduling.nudges import NudgeKind

CHUNK = 1_000
ZONES = ("America/New_York", "Europe/Berlin", "Asia/Kolkata", "America/Los_Angeles")


def recipient_ids(count: int, prefix: str = "UR") -> list[str]:
    return [f"{prefix}{i:07d}" for i in range(count)]


def fake_users(user_ids: Sequence[str]) -> list[FakeUser]:
    return [FakeUser(u, f"Recipient {u}", tz=ZONES[i % len(ZONES)]) for i, u in enumerate(user_ids)]


async def seed_due_nudges(
    db: Database,
    recipients: Sequence[str],
    *,
    due_at: datetime,
    now: datetime,
    spread: timedelta = timedelta(0),
    owners: tuple[str, str, str] = (COORDINATOR, HIRING_MANAGER, RECRUITER),
) -> None:
    """One panel and one due prep reminder per recipient; ``spread`` staggers the due times
    evenly over that span (for lateness measurements), otherwise all fall due at ``due_at``.
    ``owners``: the panels' coordinator, hiring manager and recruiter (Slack's by default)."""
    step = spread / len(recipients) if recipients else timedelta(0)
    async with db.session() as session:
        candidate_id = await session.scalar(
            insert(Candidate).values(name="Bench Candidate", created_at=now).returning(Candidate.id)
        )
        role_id = await session.scalar(
            insert(Role)
            .values(title="Bench Role", responsibilities="Ship things.", created_at=now)
            .returning(Role.id)
        )
        for start in range(0, len(recipients), CHUNK):
            chunk = recipients[start : start + CHUNK]
            panel_ids = list(
                await session.scalars(
                    insert(Panel).returning(Panel.id, sort_by_parameter_order=True),
                    [
                        {
                            "candidate_id": candidate_id,
                            "role_id": role_id,
                            "round_number": 2,
                            "starts_at": due_at + timedelta(days=30),
                            "duration_minutes": 60,
                            "timezone": "UTC",
                            "format": "conversation",
                            "location": "Room 1",
                            "resume_url": None,
                            "coordinator_id": owners[0],
                            "hiring_manager_id": owners[1],
                            "recruiter_id": owners[2],
                            "status": "scheduled",
                            "created_at": now,
                            "updated_at": now,
                        }
                        for _ in chunk
                    ],
                )
            )
            await session.execute(
                insert(Panelist),
                [
                    {
                        "panel_id": panel_id,
                        "user_id": user_id,
                        "position": 0,
                        "focus_area": "technical_depth",
                        "focus_detail": "",
                        "perspective": "peer",
                    }
                    for panel_id, user_id in zip(panel_ids, chunk, strict=True)
                ],
            )
            await session.execute(
                insert(Nudge),
                [
                    {
                        "kind": NudgeKind.PREP_REMINDER,
                        "panel_id": panel_id,
                        "subject_id": user_id,
                        "recipient_id": user_id,
                        "due_at": due_at + step * (start + i),
                        "urgent": False,
                        "dedupe_key": f"prep_reminder:p{panel_id}:seed:{user_id}",
                        "status": NudgeStatus.PENDING,
                        "attempts": 0,
                        "payload": {"tz": ZONES[(start + i) % len(ZONES)]},
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i, (panel_id, user_id) in enumerate(zip(panel_ids, chunk, strict=True))
                ],
            )
