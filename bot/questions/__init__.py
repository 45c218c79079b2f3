"""Planned interview questions and the overlap check.

``normalise``, ``intents`` and ``features`` describe a question and a pair; ``matcher`` decides
when two questions ask the same thing (light, semantic with ``encoder``, or the legacy
rapidfuzz score in ``similarity``), with weights fitted by ``train`` and curves from
``calibrate``; ``overlap`` finds a plan's repeats of earlier rounds and of other panelists and
summarises coverage per focus area; ``plan`` checks typed plans; ``service`` stores them;
``score_cli`` is ``hirebot questions score``. Nothing here knows Slack.
"""
