"""Microsoft Teams: the second chat platform, from the same core as Slack.

The Teams SDK for Python (``microsoft-teams-apps``) routes activities; HireBot brings its own
inbound token check (``auth``), token provider (``tokens``), connector client (``connector``),
Graph directory (``graph``) and Adaptive Card renderers (``cards``).
"""
