"""Many Teams people with a nudge due at once, for the delivery tests (a burst, a crash).

Each person is known to the fake Microsoft (a Graph user, a 1:1 chat) and to HireBot (a stored
conversation reference for that chat), as after the app was installed for them; each gets one
due prep reminder on a panel of their own (``bot.devtools.outbox_seed``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert

from bot.db import Database
from bot.devtools.fake_teams import FakeTeams, GraphUser
from bot.devtools.outbox_seed import seed_due_nudges
from bot.devtools.teams_wire import COORDINATOR, HIRING_MANAGER, RECRUITER
from bot.models import TeamsConversation
from bot.workspaces import teams_workspace


def teams_people(count: int) -> list[str]:
    """Azure AD object ids for ``count`` people (GUIDs, as Teams names them)."""
    return [f"e0000000-0000-4000-8000-{i:012d}" for i in range(count)]


async def seed_teams_nudges(
    db: Database, fake: FakeTeams, people: list[str], *, due_at: datetime, now: datetime
) -> None:
    for i, aad in enumerate(people):
        fake.add_user(GraphUser(aad, f"Recipient {i}"))
    space = await teams_workspace(db, fake.tenant_id, now)
    async with db.session() as session:
        await session.execute(
            insert(TeamsConversation),
            [
                {
                    "tenant_id": fake.tenant_id,
                    "aad_object_id": aad,
                    "workspace_id": space,
                    "user_id": f"29:{aad}",
                    "service_url": fake.service_url,
                    "bot_id": f"28:{fake.app_id}",
                    "conversation_id": fake.personal_conversation(aad),
                    "source": "personal",
                    "updated_at": now,
                }
                for aad in people
            ],
        )
    owners = (COORDINATOR, HIRING_MANAGER, RECRUITER)
    await seed_due_nudges(db, people, due_at=due_at, now=now, owners=owners)
