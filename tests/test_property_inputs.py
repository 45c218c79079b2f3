"""Generated text thrown at every command and form field, through Slack's wire (Hypothesis).

Whatever is typed (control and zero-width characters, right-to-left overrides, Slack markup,
mentions, text far over every bound), the answer is a field error or a correct answer: never a
500, never a traceback in the log, never a mention or link HireBot did not mean to send, never
a record lost or stored twice.

One harness per test (per database): examples share it, and each example checks what it
changed. Example counts are bounded (``EXAMPLES``) so the suite stays fast.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.devtools.harness import Harness
from bot.devtools.people import CAST, COORDINATOR, HIRING_MANAGER, PEER, RECRUITER
from bot.models import Candidate, Panel, PanelDraft
from bot.panels import bounds
from bot.slack import ids
from tests.factories import BALANCED, basics, scheduled
from tests.followup.kit import END

EXAMPLES = 25
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written next to the checkout
    # No shrinking: a failure is reported as generated, at once, instead of after minutes of
    # replaying whole Slack journeys (each example is a few requests through the real app).
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Pieces people (or attackers) type: Slack markup and mentions, invisible and direction
#: characters, list markers, emoji and combining marks, format strings, SQL.
NASTY = st.sampled_from(
    [
        "<!channel>",
        "<!here|here>",
        "<@U0ATTACK>",
        "<#C0GENERAL>",
        "<http://evil.example|click>",
        "*bold*",
        "_it_",
        "~s~",
        "`code`",
        "```",
        ">quote",
        "&amp;",
        "&lt;!channel&gt;",
        "\u200b",
        "\u200d",
        "\u2060",
        "\ufeff",
        "\u202e",
        "\u2066",
        "\u0000",
        "\x07",
        "\r\n",
        "\n",
        "\u2028",
        "•",
        "-",
        "1.",
        "\u3164",
        "\u2800",
        "e\u0301",
        "\U0001f469\u200d\U0001f4bb",
        "שלום",
        "مرحبا",
        "%s",
        "{0}",
        "'; DROP TABLE panels;--",
        " ",
    ]
)
TEXT = st.one_of(
    st.text(max_size=30),
    st.lists(st.one_of(NASTY, st.text(max_size=4)), max_size=8).map("".join),
    st.builds(lambda piece, n: piece * n, NASTY, st.integers(1, 400)),
    st.integers(150, 3200).map(lambda n: ("Ab<!channel>*" * 300)[:n]),
)

#: Every ``<…>`` Slack would read as markup: only mentions of real people and links HireBot
#: built itself may appear.
CAST_IDS = {user.id for user in CAST}
TOKEN = re.compile(r"<([^<>]*)>")


def mrkdwn_texts(payload: Any) -> list[str]:
    """Every piece of text Slack parses as mrkdwn in a message, view or answer."""
    found: list[str] = []
    if isinstance(payload, dict):
        if payload.get("type") == "mrkdwn" and isinstance(payload.get("text"), str):
            found.append(payload["text"])
        for key, value in payload.items():
            if key == "text" and isinstance(value, str) and "type" not in payload:
                found.append(value)  # a message's own text (its notification fallback)
            else:
                found += mrkdwn_texts(value)
    elif isinstance(payload, list):
        for item in payload:
            found += mrkdwn_texts(item)
    return found


def assert_no_foreign_markup(payloads: list[Any]) -> None:
    for text in (t for p in payloads for t in mrkdwn_texts(p)):
        for token in TOKEN.findall(text):
            if token.startswith("@"):
                assert token[1:] in CAST_IDS, text
            else:
                assert re.fullmatch(r"https?://[^|\s]+\|[^|]*", token), text


class Watch:
    """What one example sent: Slack calls since it began, and the bot's own HTTP answers."""

    def __init__(self, bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
        self.bot, self.caplog = bot, caplog
        self.calls = len(bot.fake.calls)
        self.answers: list[Any] = []

    async def post(self, response) -> dict[str, Any]:
        assert response.status_code == 200, response.text
        body = response.json() if response.content.strip() else {}
        self.answers.append(body)
        return body

    def check(self) -> None:
        sent = [c.args for c in self.bot.fake.calls[self.calls :]]
        assert_no_foreign_markup(sent + self.answers)
        assert self.bot.fake.violations == []
        tracebacks = [r.getMessage() for r in self.caplog.records if r.exc_info]
        assert tracebacks == []


async def counts(bot: Harness) -> tuple[int, int]:
    async with bot.db.session() as session:
        panels = await session.scalar(select(func.count()).select_from(Panel))
        drafts = await session.scalar(select(func.count()).select_from(PanelDraft))
        return panels, drafts


# --------------------------------------------------------------------------- commands


@PROPERTY
@given(
    verb=st.sampled_from(["", "new ", "status ", "history ", "cancel ", "list ", "x"]), said=TEXT
)
async def test_every_command_answers_privately_and_safely(bot, caplog, verb, said):
    watch = Watch(bot, caplog)
    response = await bot.wire.command(COORDINATOR, (verb + said)[:4000])
    await watch.post(response)
    await bot.settled()
    watch.check()


# --------------------------------------------------------------------------- scheduling

SCHEDULING_FIELDS = [
    "candidate",
    "role_title",
    "responsibilities",
    "location",
    "resume_url",
    "prior_notes",
    "prior_questions",
    "round",
    "duration",
    "start_date",
    "start_time",
    ids.TIMEZONE_OPTIONS,
    "format",
]


@PROPERTY
@given(field=st.sampled_from([*SCHEDULING_FIELDS, "detail"]), value=TEXT)
async def test_every_scheduling_field_is_a_field_error_or_one_panel(bot, caplog, field, value):
    caplog.set_level(logging.WARNING)
    watch = Watch(bot, caplog)
    panels, drafts = await counts(bot)
    view = await bot.open_scheduler(COORDINATOR)
    values = {"panelists": list(BALANCED), **basics(bot)}
    if field != "detail":
        values[field] = value
    first = await watch.post(await bot.wire.submit(COORDINATOR, view, values))
    if first.get("response_action") == "errors":
        assert set(first["errors"]) <= {*SCHEDULING_FIELDS, "panelists"}, first
        assert await counts(bot) == (panels, drafts)  # nothing stored
        watch.check()
        return
    assert first["response_action"] == "push", first
    seats = {}
    for user_id, (focus, perspective) in BALANCED.items():
        seats[f"focus:{user_id}"] = "other" if field == "detail" else focus
        seats[f"perspective:{user_id}"] = perspective
        seats[f"detail:{user_id}"] = value if field == "detail" else ""
    second = await watch.post(await bot.wire.submit(COORDINATOR, first["view"], seats))
    await bot.settled()
    if second.get("response_action") == "errors":
        assert field == "detail", second
        assert (await counts(bot))[0] == panels
    else:
        assert second == {"response_action": "clear"}, second
        assert (await counts(bot))[0] == panels + 1  # exactly one panel, never two
        if field == "candidate":
            async with bot.db.session() as session:
                stored = await session.scalar(
                    select(Candidate.name)
                    .join(Panel, Panel.candidate_id == Candidate.id)
                    .order_by(Panel.id.desc())
                    .limit(1)
                )
            # The name as typed, cleaned, or an earlier round's record of that very name.
            assert stored == bounds.clean(value)
    watch.check()


# --------------------------------------------------------------------------- prep forms


@PROPERTY
@given(form=st.sampled_from(["plan", "decline", "cancel", "reschedule"]), value=TEXT)
async def test_every_prep_and_change_form_is_a_field_error_or_a_correct_answer(
    bot, caplog, form, value
):
    caplog.set_level(logging.WARNING)
    watch = Watch(bot, caplog)
    async with bot.db.session() as session:
        panel = await session.scalar(select(Panel).order_by(Panel.id.desc()).limit(1))
        usable = panel is not None and not panel.is_cancelled
        usable = usable and all(p.declined_at is None for p in panel.panelists)
    if not usable:  # a fresh panel when an earlier example cancelled it or declined
        panel = await scheduled(bot, COORDINATOR)
    panel_id = panel.id
    opens = len(bot.fake.calls_to("views.open"))
    if form == "plan":
        await bot.wire.click(PEER, ids.PREP_PLAN_QUESTIONS, str(panel_id))
        values = {"questions": value}
    elif form == "decline":
        await bot.wire.click(PEER, ids.PREP_DECLINE, str(panel_id))
        values = {"reason": value}
    else:
        await bot.wire.command(COORDINATOR, f"{form} P-{panel_id}")
        values = (
            {"reason": value}
            if form == "cancel"
            else {"start_date": value[:20], "start_time": "10:00", "duration": value[:6]}
        )
    view = (await bot.fake.wait_for("views.open", opens + 1))[-1]["view"]
    answer = await watch.post(
        await bot.wire.submit(PEER if form in ("plan", "decline") else COORDINATOR, view, values)
    )
    await bot.settled()
    if answer.get("response_action") == "errors":
        assert answer["errors"], answer
    watch.check()


# --------------------------------------------------------------------------- after the panel

FOLLOWUP = {
    "feedback": ["evidence", "concerns", "questions_asked"],
    "decision": ["reason"],
    "update": ["note"],
}


@PROPERTY
@given(
    form_field=st.sampled_from([(f, x) for f, fields in FOLLOWUP.items() for x in fields]),
    value=TEXT,
)
async def test_every_followup_form_is_a_field_error_or_a_correct_answer(
    bot, caplog, form_field, value
):
    caplog.set_level(logging.WARNING)
    watch = Watch(bot, caplog)
    if (await counts(bot))[0] == 0:
        await scheduled(bot, COORDINATOR)
        await bot.run_nudges(END)
    form, field = form_field
    who, action, button = {
        "feedback": (PEER, ids.FEEDBACK_OPEN, "1"),
        "decision": (HIRING_MANAGER, ids.DECISION_OPEN, "1:hold"),
        "update": (RECRUITER, ids.CANDIDATE_UPDATED_OPEN, "1"),
    }[form]
    opens = len(bot.fake.calls_to("views.open"))
    await bot.wire.click(who, action, button)
    view = (await bot.fake.wait_for("views.open", opens + 1))[-1]["view"]
    values = {"recommendation": "yes", "rating": "3", "evidence": "Solid.", field: value}
    answer = await watch.post(await bot.wire.submit(who, view, values))
    await bot.settled()
    if answer.get("response_action") == "errors":
        assert answer["errors"], answer
    for reader in (PEER, HIRING_MANAGER):  # what the others then read is safe too
        await watch.post(await bot.wire.command(reader, "history P-1"))
        await watch.post(await bot.wire.command(reader, "status P-1"))
    await bot.settled()
    watch.check()
