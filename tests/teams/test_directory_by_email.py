"""Graph's directory finds people by email the way Graph answers: an ``eq`` filter on mail or
sign-in name, case-insensitive, quotes doubled; "nobody" is None, "can't say now" raises."""

from __future__ import annotations

import pytest

from bot.delivery import PlatformUnavailable, RateLimited, Rejected
from bot.devtools.fake_teams import Fault, GraphUser
from bot.devtools.teams_wire import LEADER, PEER
from bot.teams.tokens import GRAPH_SCOPE

OBRIEN = "c0000000-0000-4000-8000-0000000000b1"
GONE = "c0000000-0000-4000-8000-0000000000b2"


def directory(teams):
    return teams.bot.services.teams.directory


async def test_people_are_found_by_mail_or_sign_in_name_whatever_the_case(teams):
    found = await directory(teams).by_email("PAT@ACME.EXAMPLE")
    assert (found.id, found.name, found.tz) == (PEER, "Pat Peer", "Europe/Berlin")
    by_sign_in = await directory(teams).by_email("lleader@acme.onmicrosoft.example")
    assert by_sign_in.id == LEADER
    assert await directory(teams).by_email("nobody@acme.example") is None


async def test_a_quote_in_an_address_is_doubled_as_odata_wants(teams):
    teams.fake.add_user(GraphUser(OBRIEN, "Sean O'Brien", email="sean.o'brien@acme.example"))
    found = await directory(teams).by_email("Sean.O'Brien@acme.example")
    assert found is not None and found.id == OBRIEN
    (call,) = [c for c in teams.fake.calls_to("graph.users") if "Brien" in str(c.body)]
    assert call.body["$filter"] == (
        "mail eq 'Sean.O''Brien@acme.example' or userPrincipalName eq 'Sean.O''Brien@acme.example'"
    )


async def test_a_disabled_account_is_nobody(teams):
    teams.fake.add_user(GraphUser(GONE, "Gus Gone", email="gus@acme.example", enabled=False))
    assert await directory(teams).by_email("gus@acme.example") is None


async def test_found_people_are_cached_and_nobody_is_asked_again_next_time(teams):
    await directory(teams).by_email("pat@acme.example")
    await directory(teams).by_email("Pat@acme.example")
    assert len(teams.fake.calls_to("graph.users")) == 1
    await directory(teams).person(PEER)  # the same person by id: cached too
    assert teams.fake.calls_to("graph.user") == []


async def test_graph_failing_raises_the_typed_errors_the_ats_queue_retries(teams):
    teams.fake.fail_next("graph.users", Fault(429, retry_after="7", code="TooManyRequests"))
    with pytest.raises(RateLimited) as limited:
        await directory(teams).by_email("pat@acme.example")
    assert limited.value.retry_after == 7
    teams.fake.fail_next("graph.users", Fault(503, code="serviceNotAvailable"))
    with pytest.raises(PlatformUnavailable):
        await directory(teams).by_email("pat@acme.example")
    teams.fake.fail_next("graph.users", Fault(403, code="Authorization_RequestDenied"))
    with pytest.raises(Rejected):  # User.Read.All not granted: no use trying again
        await directory(teams).by_email("pat@acme.example")
    assert (await directory(teams).by_email("pat@acme.example")).id == PEER


async def test_the_fake_graph_refuses_a_filter_it_cannot_parse_and_keeps_only_what_is_selected(
    teams,
):
    token = await teams.bot.services.teams.tokens.token(GRAPH_SCOPE)
    http = teams.bot.services.teams.http
    url = teams.fake.graph_url + "users"
    headers = {"Authorization": f"Bearer {token}"}
    refused = await http.get(url, params={"$filter": "mail eq pat@acme.example"}, headers=headers)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "BadRequest"
    other = await http.get(url, params={"$filter": "city eq 'Berlin'"}, headers=headers)
    assert other.status_code == 400
    none = await http.get(url, params={"$filter": "mail eq 'nobody@acme.example'"}, headers=headers)
    assert none.json() == {"value": []}
    picked = await http.get(
        url,
        params={
            "$filter": "userPrincipalName eq 'LLEADER@acme.onmicrosoft.example' or mail eq 'x'",
            "$select": "id,mail",
        },
        headers=headers,
    )
    assert picked.json() == {"value": [{"id": LEADER, "mail": "lee@acme.example"}]}
