"""Workspaces: where a panel's people live, a Slack workspace (team) or a Teams tenant.

Every panel belongs to one (``panels.workspace_id``); everything else stored about a panel
belongs to it through the panel. The Slack workspace HireBot was installed in before
workspaces existed is the row the migration made (``0005``), with an empty external id until
its team id is known.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.models import Platform, Workspace


async def workspace_for(
    session: AsyncSession, platform: str, external_id: str, now: datetime
) -> Workspace:
    """The workspace of ``platform`` named ``external_id``, made on first sight (safely when
    two requests see it first at once: the insert does nothing if the other won)."""
    where = (Workspace.platform == platform, Workspace.external_id == external_id)
    found = await session.scalar(select(Workspace).where(*where))
    if found is None:
        if (await session.connection()).dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            # Both dialects' insert() build ON CONFLICT alike; mypy sees two different functions.
            from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
        values = {"platform": platform, "external_id": external_id, "name": "", "created_at": now}
        await session.execute(
            insert(Workspace)
            .values(values)
            .on_conflict_do_nothing(index_elements=["platform", "external_id"])
        )
        found = (await session.scalars(select(Workspace).where(*where))).one()
    return found


async def installed_slack_workspace(db: Database, now: datetime, team_id: str = "") -> int:
    """The Slack workspace's id. The first time its team id is seen, the workspace the
    migration made for the rows before workspaces existed takes it (they were that team's)."""
    async with db.session() as session:
        slack = list(
            await session.scalars(
                select(Workspace).where(Workspace.platform == Platform.SLACK).order_by(Workspace.id)
            )
        )
        named = next((w for w in slack if team_id and w.external_id == team_id), None)
        if named is not None:
            return named.id
        unnamed = next((w for w in slack if not w.external_id), None)
        if unnamed is not None:
            if team_id:
                unnamed.external_id = team_id
            return unnamed.id
        if not team_id and slack:  # asked without a team id (the ATS): the one installed
            return slack[0].id
        return (await workspace_for(session, Platform.SLACK, team_id, now)).id


async def teams_workspace(db: Database, tenant_id: str, now: datetime) -> int:
    async with db.session() as session:
        return (await workspace_for(session, Platform.TEAMS, tenant_id, now)).id


async def workspace_of(db: Database, platform: str, external_id: str, now: datetime) -> int:
    """The id of ``platform``'s workspace named ``external_id`` (a Slack team id, "" for the one
    installed; a Teams tenant id)."""
    if platform == Platform.SLACK:
        return await installed_slack_workspace(db, now, external_id)
    return await teams_workspace(db, external_id, now)


async def platform_of(db: Database, workspace_id: int | None) -> str:
    """The platform of a panel's workspace; Slack for panels made before workspaces existed."""
    if workspace_id is None:
        return Platform.SLACK
    async with db.session() as session:
        workspace = await session.get(Workspace, workspace_id)
    return workspace.platform if workspace is not None else Platform.SLACK
