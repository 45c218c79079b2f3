"""Planned interview questions and the overlap check.

``normalise`` and ``similarity`` decide when two questions ask the same thing; ``overlap``
finds a plan's repeats of earlier rounds and of other panelists and summarises coverage per
focus area; ``plan`` checks typed plans; ``service`` stores them; ``calibrate`` shows why the
threshold is what it is. Nothing here knows Slack.
"""
