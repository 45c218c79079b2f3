"""Callback and action ids: the names that tie rendered Block Kit to the listeners."""

SCHEDULE_STEP1 = "panel_schedule_basics"
SCHEDULE_STEP2 = "panel_schedule_focus"
RESCHEDULE = "panel_reschedule"
CANCEL_CONFIRM = "panel_cancel_confirm"
CANCEL_KEEP = "panel_cancel_keep"
OPEN_SCHEDULER = "panel_open_scheduler"
TIMEZONE_OPTIONS = "timezone"  # external_select action id; options load by this id

# Buttons shared by messages and App Home. Every button's ``value`` is the panel id as text
# (``str(panel.id)``) unless noted; listeners re-check who clicks.
PREP_CONFIRM = "prep_confirm"  # "I've reviewed the materials"
PREP_DECLINE = "prep_decline"  # "I can't attend": opens a modal asking why
PREP_PLAN_QUESTIONS = "prep_plan_questions"  # "Plan my questions": opens a modal
FEEDBACK_OPEN = "feedback_open"  # "Submit feedback": opens the feedback modal
DECISION_OPEN = "decision_open"  # value "<panel id>:<outcome>", or just the panel id (choose)
CANDIDATE_UPDATED_OPEN = "candidate_updated_open"  # "I've updated the candidate": asks what

# App Home's own buttons. HOME_PAGE's value is ``HomePages.encode()`` (which page of each
# section to show); HOME_REFRESH re-publishes the home as it is.
HOME_PAGE = "home_page"
HOME_REFRESH = "home_refresh"
# Question planning ("Plan my questions"): the modal's callback id (its private_metadata
# carries the panel id).
PLAN_QUESTIONS = "prep_plan_questions_submit"
# After the panel (issue 5): the modals those buttons open, and the owners' "Excuse" button.
FEEDBACK_SUBMIT = "feedback_submit"  # the feedback modal (private_metadata: the panel id)
DECISION_SUBMIT = "decision_submit"  # the decision's reason (panel id and outcome)
CANDIDATE_UPDATED_SUBMIT = "candidate_updated_submit"  # what the candidate was told
FEEDBACK_EXCUSE = "feedback_excuse"  # value "<panel id>:<panelist user id>"
# Prep (issue 4): the decline form, the coordinator's replacement and "Remind them now".
PREP_DECLINE_SUBMIT = "prep_decline_submit"  # the "I can't attend" modal
PREP_REPLACE_OPEN = "prep_replace_open"  # value "<panel id>:<user id>" of who is replaced
PREP_REPLACE_SUBMIT = "prep_replace_submit"  # the replacement modal (a user picker)
PREP_REMIND_NOW = "prep_remind_now"  # on the coordinator's "not ready" alert
