"""The demo's cast and setting: the simulated clock, the two candidates' panels, and who sits on
them (the people themselves are ``bot.devtools.people``, shared with the tests)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.devtools.people import CROSS, HIRING_MANAGER, LEADER, PEER, PEER2, RECRUITER, ROUND1

if TYPE_CHECKING:
    from bot.devtools.harness import Harness
    from bot.devtools.transcript import Transcript

NEW_YORK = "America/New_York"
UTC = ZoneInfo("UTC")


def _at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A New York wall-clock time as a UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(NEW_YORK)).astimezone(UTC)


#: The simulated "now": Monday 2 March 2026, 09:00 in New York (before US and EU clock changes).
NOW = _at(2026, 3, 2, 9)
#: Ada's panel: Wednesday 4 March, 10:00 New York.
ADA_START = _at(2026, 3, 4, 10)
#: ...moved to Tuesday 10 March, 10:00 New York: after the US clock change, before Europe's.
ADA_MOVED = _at(2026, 3, 10, 10)
#: Grace's panel: Thursday 5 March, 11:00 New York.
GRACE_START = _at(2026, 3, 5, 11)

ADA_SEATS = {
    PEER: ("technical_depth", "peer"),
    CROSS: ("stakeholder_alignment", "cross_functional"),
    PEER2: ("case_review", "peer"),
    LEADER: ("other", "leadership", "Scope and ambition"),
}
GRACE_SEATS = {
    PEER: ("technical_depth", "peer"),
    CROSS: ("stakeholder_alignment", "cross_functional"),
    LEADER: ("culture_values", "leadership"),
}


def ada_form(harness: Harness) -> dict[str, Any]:
    return {
        "candidate": "Ada Lovelace",
        "role_title": "Senior Data Engineer",
        "responsibilities": (
            "Own the ingestion pipelines and the data contracts with the product teams."
        ),
        "round": "2",
        **harness.local_fields(ADA_START, NEW_YORK),
        "duration": "75",
        "format": "conversation",
        "location": "https://meet.example.com/ada-lovelace",
        "panelists": list(ADA_SEATS),
        "hiring_manager": HIRING_MANAGER,
        "recruiter": RECRUITER,
        "resume_url": "https://files.example.com/ada-lovelace.pdf",
        "prior_notes": "Strong SQL and pipeline design. Probe ownership of incidents.",
        "prior_questions": "Walk me through a pipeline you built\nWhy are you leaving your job?",
        "prior_interviewers": [ROUND1, PEER2],
    }


def introduce(t: Transcript) -> None:
    """The transcript's opening: what runs, the simulated clock, and the team."""
    t.out(
        "HireBot demo: second-round interview panels, start to finish, on this machine.",
    )
    t.note(
        "The real app runs against a fake Slack on loopback: no Slack account, no network."
        " Each command and form is signed and posted to the app just as Slack would; every"
        " message the app sends lands in the fake, and is shown below as the person would"
        " see it. The clock is simulated: it is Monday 2 March 2026, 09:00 in New York."
    )
    t.note(
        "The team: Cora Coordinator (New York) schedules. Hank Hiring decides, Rita Recruiter"
        " talks to the candidate. Panelists: Pat Peer (Berlin), Carlos Cross (Los Angeles),"
        " Priya Peer (Kolkata) and Lee Leader (New York)."
    )
