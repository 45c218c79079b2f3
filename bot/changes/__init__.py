"""The one change pipeline: every change to a panel is audited, re-planned and delivered here.

``actions`` names each change once; ``pipeline`` records a change (audit event, the panel's full
state, its nudges re-planned in the same transaction) and delivers what it queued right after the
commit; ``notices`` says which one-off notices each action owes people. Services decide whether a
change is allowed and apply it to their rows; nothing but this package writes nudges for a change.
"""
