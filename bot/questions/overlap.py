"""Which planned questions repeat an earlier round's or another panelist's, and what each
focus area has planned: the data behind the "you're about to re-ask" flags and the
coordinator's coverage view. Pure: no database, no Slack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.panels.rounds import EarlierQuestion
from bot.questions.matcher import Matcher, default_matcher


@dataclass(frozen=True)
class Overlap:
    """Planned question ``index`` (0-based, in the planner's order) repeats ``repeats``.

    ``score`` is how sure HireBot is (0-1, ``confidence`` in words); ``topic`` names the
    screening topic both ask about ("the start date"), when the matcher recognised one. A
    flag is advice: the plan is saved either way.
    """

    index: int
    question: str
    repeats: str
    score: float
    round_number: int | None = None  # set when it repeats an earlier round's question
    panelist_id: str | None = None  # set when it repeats another panelist's plan
    planner_id: str = ""  # whose plan ``question`` is (set by the panel-wide check)
    topic: str | None = None

    @property
    def confidence(self) -> str:
        return "very likely" if self.score >= 0.9 else "likely"


def find_overlaps(
    mine: Sequence[str],
    earlier: Sequence[EarlierQuestion],
    others: Mapping[str, Sequence[str]],
    *,
    matcher: Matcher | None = None,
) -> list[Overlap]:
    """Every (planned question, earlier or other panelist's question) pair the matcher calls
    a repeat; per planned question the surest first, earlier rounds before panelists on a
    tie."""
    matcher = matcher or default_matcher()
    targets: list[tuple[str, int | None, str | None]] = [
        (q.text, q.round_number, None) for q in earlier
    ]
    for user_id, questions in others.items():
        targets.extend((q, None, user_id) for q in questions)
    if not mine or not targets:
        return []
    found: list[Overlap] = []
    hits = matcher.matches(list(mine), [target[0] for target in targets])
    for index, (question, row) in enumerate(zip(mine, hits, strict=True)):
        repeats = [
            Overlap(index, question, text, m.score, round_number, panelist_id, topic=m.topic)
            for position, m in row
            for text, round_number, panelist_id in (targets[position],)
        ]
        repeats.sort(key=lambda o: (-o.score, o.panelist_id is not None))
        found.extend(repeats)
    return found


@dataclass(frozen=True)
class SeatPlan:
    """One (attending) panelist's plan, as the coverage check sees it."""

    user_id: str
    focus: str  # the focus area's label ("Technical depth", or the "other" detail)
    questions: tuple[str, ...]


@dataclass(frozen=True)
class AreaCoverage:
    focus: str
    panelist_ids: tuple[str, ...]
    planned: int  # questions planned by this area's panelists
    not_planned: tuple[str, ...]  # this area's panelists with no plan yet
    overlaps: int  # of this area's planned questions, how many repeat something


@dataclass(frozen=True)
class Coverage:
    areas: tuple[AreaCoverage, ...]  # in seat order of each area's first panelist
    overlaps: tuple[Overlap, ...]  # each repeat once: a pair of panelists under the first

    @property
    def anything_planned(self) -> bool:
        return any(area.planned for area in self.areas)


def panel_overlaps(
    seats: Sequence[SeatPlan], earlier: Sequence[EarlierQuestion], *, matcher: Matcher | None = None
) -> list[Overlap]:
    """Every repeat across the panel: each seat against earlier rounds and the seats after it,
    so two panelists asking the same thing is reported once (under the one seated first)."""
    found: list[Overlap] = []
    for i, seat in enumerate(seats):
        later = {s.user_id: s.questions for s in seats[i + 1 :]}
        for overlap in find_overlaps(seat.questions, earlier, later, matcher=matcher):
            found.append(
                Overlap(
                    overlap.index,
                    overlap.question,
                    overlap.repeats,
                    overlap.score,
                    overlap.round_number,
                    overlap.panelist_id,
                    planner_id=seat.user_id,
                    topic=overlap.topic,
                )
            )
    return found


def coverage(
    seats: Sequence[SeatPlan], earlier: Sequence[EarlierQuestion], *, matcher: Matcher | None = None
) -> Coverage:
    """Per focus area: who covers it, how many questions they planned, how many repeat."""
    overlaps = panel_overlaps(seats, earlier, matcher=matcher)
    flagged = {(o.planner_id, o.index) for o in overlaps}
    areas: dict[str, list[SeatPlan]] = {}
    for seat in seats:
        areas.setdefault(seat.focus, []).append(seat)
    return Coverage(
        tuple(
            AreaCoverage(
                focus=focus,
                panelist_ids=tuple(s.user_id for s in members),
                planned=sum(len(s.questions) for s in members),
                not_planned=tuple(s.user_id for s in members if not s.questions),
                overlaps=sum(
                    1 for s in members for i in range(len(s.questions)) if (s.user_id, i) in flagged
                ),
            )
            for focus, members in areas.items()
        ),
        tuple(overlaps),
    )
