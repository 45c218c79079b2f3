"""Calendar invites in Teams: a card with a link to the .ics HireBot serves for a week; the
invite updates on reschedule and cancels on cancellation (same UID)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

import pytest

from bot.devtools.teams_wire import COORDINATOR, CROSS, HIRING_MANAGER, LEADER, PEER, RECRUITER
from bot.panels.request import Slot
from tests.teams.test_commands import schedule


@pytest.fixture
def settings_overrides() -> dict:
    return {"public_url": "https://hirebot.test"}


def invite_links(teams, aad: str) -> list[str]:
    links = []
    for content in teams.fake.cards_to(aad):
        for action in content.get("actions") or []:
            if action.get("type") == "Action.OpenUrl" and "/files/" in action["url"]:
                links.append(action["url"])
    return links


async def fetch(teams, link: str):
    parsed = urlparse(link)
    assert parsed.netloc == "hirebot.test"
    return await teams.bot.http.get(parsed.path)


async def test_invites_are_links_that_update_and_cancel(teams):
    for person in (COORDINATOR, HIRING_MANAGER, RECRUITER, PEER, CROSS, LEADER):
        await teams.wire.install(person)
    panel = await schedule(teams)
    [first] = invite_links(teams, PEER)
    response = await fetch(teams, first)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    ics = response.text
    assert "BEGIN:VCALENDAR" in ics and "DTSTART" in ics and "METHOD:REQUEST" in ics
    uid = next(line for line in ics.splitlines() if line.startswith("UID"))

    later = panel.starts_at + timedelta(days=1)
    await teams.bot.services.panels.reschedule(
        COORDINATOR, panel.id, Slot(later, 60, "America/New_York")
    )
    await teams.bot.services.pipeline.drain()
    await teams.bot.settled()
    moved = invite_links(teams, PEER)[-1]
    assert moved != first
    updated = (await fetch(teams, moved)).text
    assert uid in updated and f"{later:%Y%m%dT%H%M%S}" in updated

    await teams.bot.services.panels.cancel(COORDINATOR, panel.id, "Role on hold")
    await teams.bot.services.pipeline.drain()
    await teams.bot.settled()
    cancelled = (await fetch(teams, invite_links(teams, PEER)[-1])).text
    assert uid in cancelled and "METHOD:CANCEL" in cancelled

    # A guessed token, or a week later, finds nothing.
    assert (await teams.bot.http.get("/files/not-a-token/x.ics")).status_code == 404
    teams.bot.clock.set(teams.bot.clock.now() + timedelta(days=8))
    assert (await fetch(teams, moved)).status_code == 404


async def test_a_shared_file_can_be_taken_back(teams):
    from bot.delivery import FileToShare
    from bot.people import Person

    await teams.wire.install(PEER)
    platform = teams.bot.services.teams.platform
    reader = Person(PEER, "Pat Peer")
    file = FileToShare("resume.pdf", b"%PDF-1.4 ...", "Résumé: P-1", "Ada's résumé for P-1.")
    where = await platform.send_file(reader, file)
    [link] = invite_links(teams, PEER)
    assert (await fetch(teams, link)).content == b"%PDF-1.4 ..."
    await platform.delete_file(where)
    assert (await fetch(teams, link)).status_code == 404
    update = teams.fake.calls_to("activities.update")[-1]
    assert "This file was removed" in str(update.body) and where.message_id in update.path
    await platform.delete_file(where)  # already gone: no error, nothing sent
    assert len(teams.fake.calls_to("activities.update")) == 1
