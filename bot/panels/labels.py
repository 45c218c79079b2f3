"""Human labels for the panel vocabulary, shared by every platform's rendering."""

from __future__ import annotations

from bot.models import FocusArea, PanelFormat, Perspective

FORMAT_LABELS: dict[str, str] = {
    PanelFormat.CONVERSATION: "Conversation",
    PanelFormat.PRESENTATION: "Presentation",
    PanelFormat.CASE_STUDY: "Case study",
    PanelFormat.TECHNICAL_EXERCISE: "Technical exercise",
}

FOCUS_LABELS: dict[str, str] = {
    FocusArea.TECHNICAL_DEPTH: "Technical depth",
    FocusArea.CULTURE_VALUES: "Culture and values",
    FocusArea.STAKEHOLDER_ALIGNMENT: "Stakeholder alignment",
    FocusArea.CASE_REVIEW: "Case or presentation review",
    FocusArea.LEADERSHIP: "Leadership",
    FocusArea.OTHER: "Other",
}

PERSPECTIVE_LABELS: dict[str, str] = {
    Perspective.PEER: "Future peer",
    Perspective.CROSS_FUNCTIONAL: "Cross-functional stakeholder",
    Perspective.LEADERSHIP: "Leadership",
}


def focus_label(focus_area: str, detail: str = "") -> str:
    if focus_area == FocusArea.OTHER and detail:
        return detail
    return FOCUS_LABELS.get(focus_area, focus_area)
