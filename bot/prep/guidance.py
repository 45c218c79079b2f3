"""What to probe for each focus area, and what to evaluate in each interview format.

Plain text the packet shows; kept here (not in the renderer) so every platform says the same.
"""

from __future__ import annotations

from bot.models import FocusArea, PanelFormat

#: Three to five question themes per focus area: themes, not scripts, so panelists still
#: write their own questions and do not all ask the same ones.
THEMES: dict[str, tuple[str, ...]] = {
    FocusArea.TECHNICAL_DEPTH: (
        "A system they designed end to end: the trade-offs and what they would change now",
        "Debugging a hard production problem: how they narrowed it down",
        "Depth in the role's core stack, beyond what the résumé lists",
        "How they keep quality up under deadline pressure (testing, reviews)",
    ),
    FocusArea.CULTURE_VALUES: (
        "A disagreement with a colleague and how it was resolved",
        "Feedback they received that changed how they work",
        "What they need from a team to do their best work",
        "A time they owned a mistake",
    ),
    FocusArea.STAKEHOLDER_ALIGNMENT: (
        "Turning a vague request from another team into a concrete plan",
        "Saying no, or not yet, to a stakeholder",
        "Keeping non-specialists informed: what and how often",
        "A project where priorities conflicted across teams",
    ),
    FocusArea.CASE_REVIEW: (
        "The assumptions behind their approach and how they checked them",
        "How they would adapt the solution if a key constraint changed",
        "What they left out, and why",
    ),
    FocusArea.LEADERSHIP: (
        "Growing someone else's skills: a concrete example",
        "Setting direction when the path was unclear",
        "A decision they made with incomplete information",
        "How they handle under-performance on a team",
    ),
    FocusArea.OTHER: (
        "The specific area you were asked to cover: what good looks like there",
        "Evidence from their past work, not hypotheticals",
        "One thing the rest of the panel is unlikely to ask",
    ),
}

#: What a panelist should evaluate in formats where the candidate produces something.
EVALUATION: dict[str, tuple[str, ...]] = {
    PanelFormat.PRESENTATION: (
        "Structure: a clear problem, argument and conclusion within the time",
        "Judgement: what they chose to include and leave out",
        "Answers under questioning: depth beyond the slides",
    ),
    PanelFormat.CASE_STUDY: (
        "How they frame the problem and which questions they ask first",
        "Reasoning: trade-offs made explicit, assumptions stated",
        "A recommendation they can defend, and its risks",
    ),
    PanelFormat.TECHNICAL_EXERCISE: (
        "Correctness and how they test their own work",
        "Clarity of the code or design, and how they explain it",
        "How they use hints and react when stuck",
    ),
}


def themes_for(focus_area: str) -> tuple[str, ...]:
    return THEMES.get(focus_area, THEMES[FocusArea.OTHER])


def evaluation_for(panel_format: str) -> tuple[str, ...]:
    """Empty for a conversation: there is no work product to evaluate."""
    return EVALUATION.get(panel_format, ())
