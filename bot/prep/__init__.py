"""Prep: the packet each panelist gets, their readiness, declines and replacements, invites."""
