"""The scheduling modal, in two steps: the panel's basics, then each panelist's focus."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from bot.models import PanelFormat
from bot.panels import bounds
from bot.panels.candidates import EarlierCandidate
from bot.panels.labels import FOCUS_LABELS, FORMAT_LABELS, PERSPECTIVE_LABELS
from bot.panels.request import MAX_PANELISTS, MAX_ROUND, PanelBasics, assignment_fields
from bot.people import zone_or_utc
from bot.slack import ids
from bot.slack.blocks import Block, context, input_block, modal, option, plain, section
from bot.slack.modals.inputs import number, select, slot_blocks, text_input
from bot.slack.text import mention, safe, truncate


def schedule_basics_modal(
    *, candidate_name: str, coordinator_tz: str, now: datetime
) -> dict[str, Any]:
    """Step 1: who, what, when, where, and what round 1 already covered."""
    tomorrow_ten = (now.astimezone(zone_or_utc(coordinator_tz)) + timedelta(days=1)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    blocks: list[Block] = [
        input_block("candidate", "Candidate", text_input(candidate_name, placeholder="Full name")),
        input_block(
            "role_title", "Role title", text_input(placeholder="e.g. Senior Data Engineer")
        ),
        input_block(
            "responsibilities",
            "Role responsibilities",
            text_input(multiline=True, max_length=bounds.RESPONSIBILITIES.max_length),
            hint="What the person in this role will own; every panelist's packet carries it.",
        ),
        input_block("round", "Round", number(2, 1, MAX_ROUND)),
        *slot_blocks(tomorrow_ten, coordinator_tz, 60),
        input_block(
            "format",
            "Format",
            select(FORMAT_LABELS, PanelFormat.CONVERSATION),
        ),
        input_block(
            "location",
            "Location or video link",
            text_input(
                max_length=bounds.LOCATION.max_length,
                placeholder="Room 4.2, or https://meet.example.com/abc",
            ),
        ),
        input_block(
            "panelists",
            "Panelists",
            {
                "type": "multi_users_select",
                "placeholder": plain("Choose 1 to 8 people", 150),
                "max_selected_items": MAX_PANELISTS,
            },
            hint="Next you'll give each a focus area.",
        ),
        input_block(
            "hiring_manager",
            "Hiring manager",
            {"type": "users_select", "placeholder": plain("Who decides", 150)},
        ),
        input_block(
            "recruiter",
            "Recruiter",
            {"type": "users_select", "placeholder": plain("Who talks to the candidate", 150)},
        ),
        input_block("resume_url", "Résumé link", {"type": "url_text_input"}, optional=True),
        input_block(
            "prior_notes",
            "Round 1 notes",
            text_input(multiline=True, max_length=bounds.PRIOR_NOTES.max_length),
            optional=True,
        ),
        input_block(
            "prior_questions",
            "Round 1 questions already asked",
            text_input(multiline=True, max_length=bounds.PRIOR_QUESTIONS.max_length),
            optional=True,
            hint="One per line. Panelists see them as “covered already — don't repeat”.",
        ),
        input_block(
            "prior_interviewers",
            "Round 1 interviewers",
            {"type": "multi_users_select", "placeholder": plain("Who interviewed before", 150)},
            optional=True,
        ),
    ]
    return modal("Schedule a panel", blocks, callback_id=ids.SCHEDULE_STEP1, submit="Next")


def schedule_focus_modal(
    basics: PanelBasics, draft_id: str, earlier: EarlierCandidate | None = None
) -> dict[str, Any]:
    """Step 2: each panelist's focus area and perspective (and, when the same name and role
    had a panel before, whether this is that candidate's next round)."""
    blocks: list[Block] = [
        context(
            f"*{safe(basics.candidate_name, 200)}* for *{safe(basics.role_title, 200)}*: give each"
            " panelist a distinct focus so nobody asks the same things."
        )
    ]
    if earlier is not None:
        blocks.append(same_candidate_block(earlier, basics.round_number))
    for user_id in basics.panelist_ids:
        focus_field, detail_field, perspective_field = assignment_fields(user_id)
        blocks += [
            section(f"*{mention(user_id)}*"),
            input_block(focus_field, "Focus area", select(FOCUS_LABELS)),
            input_block(
                detail_field,
                "If other: which focus?",
                text_input(max_length=bounds.FOCUS_DETAIL.max_length),
                optional=True,
            ),
            input_block(perspective_field, "Perspective", select(PERSPECTIVE_LABELS)),
        ]
    return modal(
        "Panel focus areas",
        blocks,
        callback_id=ids.SCHEDULE_STEP2,
        submit="Schedule",
        close="Back",
        private_metadata=json.dumps({"draft": draft_id}),
    )


SAME_CANDIDATE = "same_candidate"  # block id; values "reuse:<candidate id>" or "new"


def same_candidate_block(earlier: EarlierCandidate, round_number: int) -> Block:
    """A choice defaulting to "same person": their earlier rounds' questions then carry over."""
    next_round = max(round_number, earlier.next_round)
    reuse = option(
        f"Yes: {truncate(earlier.name, 40)}'s round {next_round}",
        f"reuse:{earlier.candidate_id}",
    )
    reuse["description"] = plain(
        f"Round {earlier.round_number} was on {earlier.starts_at:%d %b %Y}; its questions"
        " are marked “already asked”.",
        75,
    )
    return input_block(
        SAME_CANDIDATE,
        "Same candidate as before?",
        {
            "type": "radio_buttons",
            "options": [reuse, option("No, a different person with that name", "new")],
            "initial_option": reuse,
        },
    )
