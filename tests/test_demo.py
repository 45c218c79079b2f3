"""``hirebot demo`` and the transcript renderer it prints with."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest

from bot.demo import run_demo
from bot.devtools.people import COORDINATOR, CROSS, HIRING_MANAGER, LEADER, PEER, RECRUITER
from bot.devtools.transcript import Renderer, mrkdwn_to_text

ROOT = Path(__file__).resolve().parents[1]
NAMES = {PEER: "Pat Peer", COORDINATOR: "Cora Coordinator"}


def flat(text: str) -> str:
    """Whitespace collapsed, so assertions do not depend on where lines wrap."""
    return " ".join(text.split())


# ---------------------------------------------------------------------- the demo itself
@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """Temporary files go here, so the test can see the demo cleans up after itself."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return scratch


async def test_demo_tells_the_whole_story(capsys, private_tmp):
    code = await run_demo(quiet=False)
    out = capsys.readouterr().out
    text = flat(out)

    assert code == 0, out
    # 1-2. the scheduling modal, then the bad submission's field errors
    assert "Schedule a panel" in text
    assert "Candidate: Ada Lovelace" in text
    assert "⚠ The start must be in the future." in text
    assert "⚠ A panel lasts between 15 and 480 minutes" in text
    # 3. the coordinator's confirmation: summary, composition warnings, candidate message
    assert "Panel P-1 scheduled" in text
    assert "Priya Peer already interviewed this candidate in an earlier round" in text
    assert "Nobody covers culture and values." in text
    assert "You'll meet:" in text
    # 3b. Pat's prep packet, in Berlin time, then his confirmation updating it in place
    assert "Pat Peer (Senior Data Engineer) sees a DM, in Europe/Berlin" in text
    assert "Prep packet: P-1" in text and "When (your time): Wed 4 Mar 2026, 16:00 CET" in text
    assert "Covered already — don't repeat • Walk me through a pipeline you built" in text
    assert "[I've reviewed the materials] [Plan my questions] [I can't attend]" in text
    assert "A calendar invite (P-1-invite.ics) follows each packet" in text
    assert "sees the same packet, updated in place" in text
    assert "✔ You've reviewed the materials" in text
    assert "↳ repeats round 1: “Why are you leaving your job?”" in text  # overlap flagged
    assert "@Pat Peer: ✔ confirmed · 3 questions planned" in text  # /panel status
    # 3c. the escalation names exactly who is unprepared (not Pat), with "Remind them now"
    assert (
        "Not confirmed their prep yet • @Carlos Cross • @Priya Peer • @Lee Leader [Remind them now]"
    ) in text
    # 4. list and status (in the command's answer)
    assert "P-1 · Wed 4 Mar 2026, 10:00 EST · Ada Lovelace" in text
    assert "Readiness" in text
    # 5. privacy
    assert "Oliver Outsider (Sales Director) sees a private reply" in text
    assert "I can't find panel P-1." in text
    # 6. each panelist told in their own zone, then the cancellation
    assert "to Tue 10 Mar 2026, 15:00 CET · 75 min" in text  # Berlin
    assert "to Tue 10 Mar 2026, 07:00 PDT · 75 min" in text  # Los Angeles
    assert "to Tue 10 Mar 2026, 19:30 IST · 75 min" in text  # Kolkata
    assert "Cancelled: @Cora Coordinator cancelled P-2" in text
    assert "Grace accepted another offer." in text
    # Slack's markup is rendered for people, never shown raw
    for raw in ("<@U", "&lt;", "&gt;", "&amp;", "*Panel*", ":warning:"):
        assert raw not in out
    # 10-14. after the panel: feedback (one late, reminded), decision, candidate told, stalled
    assert "Your feedback, please — P-1 · Ada Lovelace" in text
    assert "Questions you actually asked (optional): How would you backfill" in text
    assert "Priya Peer (Staff Data Engineer) sees a DM, in Asia/Kolkata" in text
    assert "Reminder: your feedback — P-1" in text
    assert "@Pat Peer · Technical depth · Strong yes · 4/4" in text
    assert "[Advance] [Make offer] [Reject] [Hold]" in text
    assert "@Hank Hiring decided Make offer." in text
    assert "@Rita Recruiter updated the candidate: Called Ada" in text
    assert "feedback missing from @Carlos Cross, 2 business days overdue" in text
    assert "A holding message for the candidate" in text
    assert "Stalled candidate — P-3 · Alan Turing" in text
    assert "1 candidate(s) waiting past an SLA" in text
    # the summary line, and nothing left behind
    assert out.rstrip().splitlines()[-1].startswith("Demo complete: 3 panels scheduled")
    assert "1 decided, 1 candidate updated, 1 stalled escalated" in out.rstrip().splitlines()[-1]
    assert "0 Slack errors" in out.rstrip().splitlines()[-1]
    assert list(private_tmp.iterdir()) == []


async def test_quiet_prints_only_the_summary(capsys, private_tmp):
    assert await run_demo(quiet=True) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Demo complete:")


async def test_a_demo_that_goes_wrong_says_so_and_exits_non_zero(capsys, monkeypatch, private_tmp):
    from bot.demo import before_the_panel

    real_form = before_the_panel.ada_form
    monkeypatch.setattr(before_the_panel, "ada_form", lambda h: {**real_form(h), "panelists": []})
    assert await run_demo(quiet=True) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("Demo FAILED:")
    assert "✖ step 2: the corrected form should move on to step two" in captured.err
    assert list(private_tmp.iterdir()) == []


def test_hirebot_demo_command_exits_zero():
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().startswith("Demo complete:"), result.stdout
    assert len(result.stdout.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------------- mrkdwn for terminals
def test_escaped_text_reads_as_typed_and_real_pings_as_mentions():
    assert mrkdwn_to_text("&lt;!channel&gt; &amp; co") == "<!channel> & co"
    assert mrkdwn_to_text("&amp;lt;") == "&lt;"  # a typed "&lt;" stays literal
    assert mrkdwn_to_text("<!here> look") == "@here look"
    assert mrkdwn_to_text("<@UPAT0001> and <@UNOBODY>", NAMES) == "@Pat Peer and @UNOBODY"


def test_links_bold_quotes_and_emoji():
    text = mrkdwn_to_text(
        ":warning: *Résumé*: <https://x.example/a?b=1&amp;c=2|the file>, <https://y.example>\n"
        ">The candidate withdrew\n"
        "_soon_ ~cancelled~ in America/New_York at 10:00",
        NAMES,
    )
    assert text.splitlines() == [
        "⚠ Résumé: the file (https://x.example/a?b=1&c=2), https://y.example",
        "│ The candidate withdrew",
        "soon cancelled in America/New_York at 10:00",
    ]
    # a ">" the person typed arrives escaped and is not a quote
    assert mrkdwn_to_text("&gt; not a quote") == "> not a quote"


def test_colour_only_when_asked():
    assert "\x1b[" not in mrkdwn_to_text("*bold*")
    assert mrkdwn_to_text("*bold*", color=True) == "\x1b[1mbold\x1b[22m"


# ---------------------------------------------------------------------- blocks and modals
def test_message_blocks_render_as_terminal_text():
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Panel P-7 scheduled"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "*P-7* for <@UPAT0001>"}},
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": "*When*\nTue 1 Dec 2026, 10:00 EST"},
                {"type": "mrkdwn", "text": "*Format*\nConversation"},
            ],
        },
        {"type": "divider"},
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_preformatted",
                    "elements": [{"type": "text", "text": "Hi Ada,\n\nYou'll meet: Pat"}],
                }
            ],
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "`/panel status P-7`"}]},
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "I've reviewed it"}},
                {"type": "button", "text": {"type": "plain_text", "text": "Snooze"}},
            ],
        },
    ]
    lines = Renderer(NAMES, width=60).blocks(blocks)
    assert lines[:3] == ["  Panel P-7 scheduled", "  ═══════════════════", "  P-7 for @Pat Peer"]
    assert "  When: Tue 1 Dec 2026, 10:00 EST" in lines
    assert "  Format: Conversation" in lines
    assert "  " + "┄" * 58 in lines
    box = lines[lines.index("  │ Hi Ada,") - 1 : lines.index("  │ You'll meet: Pat") + 2]
    assert box[0].startswith("  ┌─") and box[-1].startswith("  └─")
    assert box[2] == "  │"
    assert "  `/panel status P-7`" in lines
    assert lines[-1] == "  [I've reviewed it]  [Snooze]"
    assert all(len(line) <= 60 for line in lines)


def test_modal_shows_initial_values_placeholders_and_errors():
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Reschedule P-7"},
        "submit": {"type": "plain_text", "text": "Reschedule"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "block_id": "start_date",
                "label": {"type": "plain_text", "text": "Date"},
                "element": {"type": "datepicker", "initial_date": "2026-12-01"},
            },
            {
                "type": "input",
                "block_id": "format",
                "label": {"type": "plain_text", "text": "Format"},
                "element": {
                    "type": "static_select",
                    "options": [
                        {"text": {"type": "plain_text", "text": "Case study"}, "value": "case"}
                    ],
                },
            },
            {
                "type": "input",
                "block_id": "reason",
                "optional": True,
                "label": {"type": "plain_text", "text": "Reason"},
                "element": {
                    "type": "plain_text_input",
                    "placeholder": {"type": "plain_text", "text": "e.g. The candidate withdrew"},
                },
            },
            {
                "type": "input",
                "block_id": "who",
                "label": {"type": "plain_text", "text": "Panelists"},
                "element": {"type": "multi_users_select"},
            },
        ],
    }
    render = Renderer(NAMES, width=72)
    opened = render.view(view)
    assert opened[0].startswith("  ╭─ Reschedule P-7 ─") and opened[0].endswith(
        "[Cancel] [Reschedule] ─╮"
    )
    assert len(opened[0]) == len(opened[-1]) == 72
    assert "  │ Date: 2026-12-01 (Tue)" in opened
    assert "  │ Reason (optional): ‹e.g. The candidate withdrew›" in opened
    assert "  │ Panelists: ‹empty›" in opened

    filled = render.view(
        view,
        values={"format": "case", "who": [PEER, COORDINATOR], "start_date": "2026-11-01"},
        errors={"start_date": "The start must be in the future."},
    )
    assert "  │ Format: Case study" in filled
    assert "  │ Panelists: @Pat Peer, @Cora Coordinator" in filled
    date_line = filled.index("  │ Date: 2026-11-01 (Sun)")
    assert filled[date_line + 1] == "  │     ⚠ The start must be in the future."

    only = render.view(view, only={"reason"})
    assert [line for line in only if "│" in line] == [
        "  │ Reason (optional): ‹e.g. The candidate withdrew›"
    ]


# ---------------------------------------------------------------------- through the real app
async def test_a_candidate_called_channel_pings_nobody_and_reads_literally(bot):
    start = bot.clock.now() + timedelta(days=2)
    basics = {
        "candidate": "<!channel> & co",
        "role_title": "Senior Data Engineer",
        "responsibilities": "Own the ingestion pipelines.",
        "round": "2",
        **bot.local_fields(start, "America/New_York"),
        "duration": "60",
        "format": "conversation",
        "location": "https://meet.example.com/abc",
        "hiring_manager": HIRING_MANAGER,
        "recruiter": RECRUITER,
        "resume_url": "https://files.example.com/cv.pdf",
    }
    seats = {
        PEER: ("technical_depth", "peer"),
        CROSS: ("stakeholder_alignment", "cross_functional"),
        LEADER: ("culture_values", "leadership"),
    }
    await bot.schedule(COORDINATOR, basics, seats)
    message = bot.fake.dms_to(COORDINATOR)[-1]

    # What Slack received: the name escaped, so Slack shows it and pings nobody.
    assert "&lt;!channel&gt; &amp; co" in message["text"]
    card = message["blocks"][1]["text"]["text"]
    assert "&lt;!channel&gt; &amp; co" in card
    assert "<!channel>" not in card

    # What the transcript shows: the name exactly as typed, not a mention.
    names = {uid: user.real_name for uid, user in bot.fake.users.items()}
    shown = "\n".join(Renderer(names).message(message))
    assert "<!channel> & co for Senior Data Engineer" in shown
    assert "@channel" not in shown
    assert "&lt;" not in shown and "&amp;" not in shown
