"""Files HireBot shares in Teams, kept for a week behind an unguessable link it serves.

``share`` stores the file under a random 32-byte token and answers
``{HIREBOT_PUBLIC_URL}/files/{token}/{name}``; ``GET`` on that path (``bot.teams.app``) answers
the file until it expires, then 404. The token is the capability: nothing else names the file.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import quote

from sqlalchemy import delete, select

from bot.clock import Clock
from bot.db import Database
from bot.delivery import FileToShare
from bot.models import SharedFile

KEEP_FOR = timedelta(days=7)


class SharedFiles:
    def __init__(self, db: Database, clock: Clock, public_url: str | None) -> None:
        self.db = db
        self.clock = clock
        self.public_url = public_url.rstrip("/") if public_url else None

    async def share(self, recipient_id: str, file: FileToShare) -> tuple[str, str] | None:
        """(token, link) for ``file`` (None when HireBot has no public URL to link to)."""
        if self.public_url is None:
            return None
        token = secrets.token_urlsafe(32)
        now = self.clock.now()
        async with self.db.session() as session:
            await session.execute(delete(SharedFile).where(SharedFile.expires_at < now))
            session.add(
                SharedFile(
                    token=token,
                    recipient_id=recipient_id,
                    name=file.name[:255],
                    content=file.content,
                    created_at=now,
                    expires_at=now + KEEP_FOR,
                )
            )
        return token, f"{self.public_url}/files/{token}/{quote(file.name)}"

    async def sent_in(self, token: str, activity_id: str) -> None:
        async with self.db.session() as session:
            found = await session.get(SharedFile, token)
            if found is not None:
                found.activity_id = activity_id

    async def withdraw(self, recipient_id: str, activity_id: str) -> bool:
        """Take back the file shared in that message; False when there was none."""
        async with self.db.session() as session:
            result = await session.execute(
                delete(SharedFile).where(
                    SharedFile.recipient_id == recipient_id,
                    SharedFile.activity_id == activity_id,
                )
            )
        return bool(getattr(result, "rowcount", 0))

    async def find(self, token: str) -> SharedFile | None:
        async with self.db.session() as session:
            found = await session.scalar(select(SharedFile).where(SharedFile.token == token))
        if found is None or found.expires_at <= self.clock.now():
            return None
        return found
