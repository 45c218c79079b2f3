"""What earlier rounds with a candidate covered: the notes and the questions already asked.

Two sources feed it: the round-1 notes and questions a coordinator types when scheduling
(``PriorRound``), and the questions panelists of an earlier HireBot panel said they actually
asked in their feedback. So a round-3 panel sees round 2's questions as "covered already"
without anyone retyping them. Used by the prep packet and by the question-overlap check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Feedback, Panel, PanelStatus, PriorRound


@dataclass(frozen=True)
class EarlierQuestion:
    text: str
    round_number: int
    asked_by: str | None = None  # a Slack user ID when known (feedback), else None


@dataclass(frozen=True)
class EarlierRounds:
    notes: tuple[tuple[int, str], ...]  # (round number, notes), oldest first
    questions: tuple[EarlierQuestion, ...]  # oldest round first, without exact repeats


# Built once (``/panel status`` runs them for every owner): each call binds the candidate and
# the round.
_PRIOR = (
    select(PriorRound)
    .where(
        PriorRound.candidate_id == bindparam("candidate_id"),
        PriorRound.round_number < bindparam("round_number"),
    )
    .order_by(PriorRound.round_number, PriorRound.id)
)
_ASKED = (
    select(Panel.round_number, Feedback.author_id, Feedback.questions_asked)
    .join(Feedback, Feedback.panel_id == Panel.id)
    .where(
        Panel.candidate_id == bindparam("candidate_id"),
        Panel.round_number < bindparam("round_number"),
        Panel.status != PanelStatus.CANCELLED,
    )
    .order_by(Panel.round_number, Feedback.id)
)


async def earlier_rounds(session: AsyncSession, panel: Panel) -> EarlierRounds:
    """Everything rounds before ``panel.round_number`` learned about ``panel``'s candidate."""
    params = {"candidate_id": panel.candidate_id, "round_number": panel.round_number}
    prior = await session.scalars(_PRIOR, params)
    notes: list[tuple[int, str]] = []
    questions: list[EarlierQuestion] = []
    for round_ in prior:
        if round_.notes.strip():
            notes.append((round_.round_number, round_.notes))
        questions.extend(EarlierQuestion(q, round_.round_number) for q in round_.questions)
    asked = await session.execute(_ASKED, params)
    for round_number, author_id, texts in asked:
        questions.extend(EarlierQuestion(q, round_number, author_id) for q in texts)
    return EarlierRounds(tuple(notes), _without_repeats(questions))


def _without_repeats(questions: list[EarlierQuestion]) -> tuple[EarlierQuestion, ...]:
    seen: set[str] = set()
    kept: list[EarlierQuestion] = []
    for q in questions:
        key = " ".join(q.text.casefold().split())
        if key and key not in seen:
            seen.add(key)
            kept.append(q)
    return tuple(sorted(kept, key=lambda q: q.round_number))


async def packet_rounds(session: AsyncSession, panel: Panel) -> dict[str, Any]:
    """Earlier rounds' notes and questions as a packet carries them (JSON, for an outbox
    payload): read when the packet is queued, so sending it needs no query."""
    earlier = await earlier_rounds(session, panel)
    return {
        "notes": [[number, text] for number, text in earlier.notes],
        "covered": [q.text for q in earlier.questions],
    }
