"""Callback and action ids: the names that tie rendered Block Kit to the listeners."""

SCHEDULE_STEP1 = "panel_schedule_basics"
SCHEDULE_STEP2 = "panel_schedule_focus"
RESCHEDULE = "panel_reschedule"
CANCEL_CONFIRM = "panel_cancel_confirm"
CANCEL_KEEP = "panel_cancel_keep"
OPEN_SCHEDULER = "panel_open_scheduler"
TIMEZONE_OPTIONS = "timezone"  # external_select action id; options load by this id
