"""The cast of the demo and the tests: a small company's hiring team in several time zones."""

from __future__ import annotations

from bot.devtools.fake_slack import FakeSlack, FakeUser

COORDINATOR = "UCOORD01"
HIRING_MANAGER = "UHANK001"
RECRUITER = "URITA001"
PEER = "UPAT0001"
CROSS = "UCARLOS1"
LEADER = "ULEE0001"
PEER2 = "UPRIYA01"
ROUND1 = "URONDA01"
OUTSIDER = "UOLIVER1"

CAST = (
    FakeUser(
        COORDINATOR,
        "Cora Coordinator",
        "Recruiting Coordinator",
        "America/New_York",
        email="cora@acme.example",
    ),
    FakeUser(
        HIRING_MANAGER,
        "Hank Hiring",
        "Engineering Manager, Data Platform",
        "America/New_York",
        email="hank@acme.example",
    ),
    FakeUser(
        RECRUITER,
        "Rita Recruiter",
        "Senior Technical Recruiter",
        "America/Chicago",
        email="rita@acme.example",
    ),
    FakeUser(PEER, "Pat Peer", "Senior Data Engineer", "Europe/Berlin", email="pat@acme.example"),
    FakeUser(
        CROSS,
        "Carlos Cross",
        "Product Manager, Analytics",
        "America/Los_Angeles",
        email="carlos@acme.example",
    ),
    FakeUser(LEADER, "Lee Leader", "VP Engineering", "America/New_York", email="lee@acme.example"),
    FakeUser(
        PEER2, "Priya Peer", "Staff Data Engineer", "Asia/Kolkata", email="priya@acme.example"
    ),
    FakeUser(
        ROUND1, "Ronda Round-One", "Data Engineer", "Europe/London", email="ronda@acme.example"
    ),
    FakeUser(
        OUTSIDER, "Oliver Outsider", "Sales Director", "Europe/London", email="oliver@acme.example"
    ),
)


def seed(fake: FakeSlack) -> FakeSlack:
    for user in CAST:
        fake.add_user(FakeUser(**user.__dict__))
    return fake
