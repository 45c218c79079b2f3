"""``hirebot demo --platform teams`` plays the lifecycle in Teams and prints it as text."""

from __future__ import annotations

from bot.cli import main


def test_the_teams_demo_runs_and_prints_the_cards(capsys):
    assert main(["demo", "--platform", "teams"]) == 0
    out = capsys.readouterr().out
    for expected in (
        "Cora Coordinator sees the dialog “Schedule a panel”",
        "The start must be in the future.",
        "Prep packet: P-1",
        "Pat Peer's home card (the welcome, updated in place)",
        "Review your prep packet · P-1",
        "When (your time): Wed 4 Mar 2026, 16:00 CET (60 min)",  # Graph's Windows zone, mapped
        "America/New_York",  # the note for the candidate, verbatim
        "repeats round 1",
        "Reminder: prepare for P-1",
        "Still unprepared: P-1",
        "Decision: P-1",
        "Update the candidate: P-1",
        "History of P-1",
        "Teams demo complete",
    ):
        assert expected in out, expected


def test_the_slack_demo_is_still_the_default(capsys):
    assert main(["demo", "--quiet"]) == 0
    assert capsys.readouterr().out.startswith("Demo complete")
