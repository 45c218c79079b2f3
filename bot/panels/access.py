"""Who may see and change a panel. Every command, button and form submission asks here."""

from __future__ import annotations

from bot.models import Panel


def owners(panel: Panel) -> set[str]:
    """The people who run the panel: they may change or cancel it."""
    return {panel.coordinator_id, panel.hiring_manager_id, panel.recruiter_id}


def owner_roles(panel: Panel) -> dict[str, str]:
    """Each owner's role on the panel (one person may hold several: the first named wins)."""
    roles: dict[str, str] = {}
    for user_id, role in (
        (panel.hiring_manager_id, "hiring manager"),
        (panel.recruiter_id, "recruiter"),
        (panel.coordinator_id, "coordinator"),
    ):
        roles.setdefault(user_id, role)
    return roles


def can_view(panel: Panel, user_id: str) -> bool:
    """Owners and panelists; to anyone else the panel does not exist."""
    return user_id in owners(panel) or any(p.user_id == user_id for p in panel.panelists)


def can_manage(panel: Panel, user_id: str) -> bool:
    return user_id in owners(panel)
