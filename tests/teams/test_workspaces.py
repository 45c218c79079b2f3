"""0006_workspaces (after 0005_ats) keeps existing Slack data; new panels belong to their platform's workspace."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, text

from bot.db import Database
from bot.devtools import people as slack_people
from bot.models import Panel, Workspace
from tests.factories import scheduled


async def test_existing_rows_take_the_installed_slack_workspace(database):
    url, connect_args = database
    db = Database(url, connect_args=connect_args)
    try:
        await db.upgrade("0004")
        now = datetime(2026, 11, 1, tzinfo=UTC)
        async with db.engine.begin() as conn:
            await conn.execute(
                text("INSERT INTO candidates (id, name, created_at) VALUES (1, 'Ada', :t)"),
                {"t": now},
            )
            await conn.execute(
                text(
                    "INSERT INTO roles (id, title, responsibilities, created_at) VALUES (1, 'Eng', '', :t)"
                ),
                {"t": now},
            )
            await conn.execute(
                text(
                    "INSERT INTO panels (id, candidate_id, role_id, round_number, starts_at,"
                    " duration_minutes, timezone, format, location, coordinator_id,"
                    " hiring_manager_id, recruiter_id, status, created_at, updated_at)"
                    " VALUES (1, 1, 1, 2, :t, 60, 'UTC', 'conversation', 'x', 'UCOORD01',"
                    " 'UHANK001', 'URITA001', 'scheduled', :t, :t)"
                ),
                {"t": now},
            )
        await db.upgrade()
        async with db.session() as session:
            panel = await session.get(Panel, 1)
            workspace = await session.get(Workspace, panel.workspace_id)
            assert (workspace.platform, workspace.external_id) == ("slack", "")
            assert panel.coordinator_id == "UCOORD01"
            # Azure AD object ids (36 characters) now fit where Slack ids did.
            panel.recruiter_id = "c0000000-0000-4000-8000-000000000003"
        async with db.session() as session:
            assert (await session.get(Panel, 1)).recruiter_id.endswith("0003")
    finally:
        await db.dispose()


async def test_new_panels_belong_to_their_platforms_workspace(teams):
    from bot.devtools import teams_wire as cast
    from tests.teams.test_lifecycle import errors, form_of, submit_data

    slack_panel = await scheduled(teams.bot, slack_people.COORDINATOR)
    for person in (cast.COORDINATOR, cast.PEER, cast.HIRING_MANAGER, cast.RECRUITER):
        await teams.wire.install(person)
    step1 = form_of(
        await teams.wire.fetch(
            cast.COORDINATOR, {"dialog": "schedule", "candidate": "Grace Hopper"}
        )
    )
    typed = {
        "role_title": "Compiler Engineer",
        "responsibilities": "Build the compiler.",
        "start_date": "2026-11-27",
        "start_time": "10:00",
        "location": "Room 1",
        "panelists": cast.PEER,
        "hiring_manager": cast.HIRING_MANAGER,
        "recruiter": cast.RECRUITER,
    }
    step2 = form_of(await teams.wire.submit(cast.COORDINATOR, submit_data(step1, **typed)))
    assert errors(step2) == {}
    focus = {f"focus:{cast.PEER}": "technical_depth", f"perspective:{cast.PEER}": "peer"}
    closed = await teams.wire.submit(cast.COORDINATOR, submit_data(step2, **focus))
    assert closed.json()["task"]["type"] == "message", closed.json()
    async with teams.bot.db.session() as session:
        panels = {p.id: p for p in await session.scalars(select(Panel))}
        spaces = {w.id: w for w in await session.scalars(select(Workspace))}
    slack_space = spaces[panels[slack_panel.id].workspace_id]
    # The installed workspace (the migration's row) took the team id on first sight.
    assert (slack_space.id, slack_space.platform) == (1, "slack")
    assert slack_space.external_id == teams.bot.fake.team_id
    teams_space = spaces[panels[2].workspace_id]
    assert (teams_space.platform, teams_space.external_id) == ("teams", teams.fake.tenant_id)
