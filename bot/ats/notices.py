"""What the ATS side tells people, as plain data (the platform adapter renders it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AtsNote:
    """To a panel's coordinator: something about a panel that came from the ATS that needs a
    person (people the ATS named but chat does not know, a change HireBot could not follow, a
    write-back that failed). ``lines`` are plain sentences; ``people`` are shown as a list."""

    reference: str  # "P-3", or "" when no panel was made
    source: str  # "Ashby"
    candidate_name: str
    headline: str
    people: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()
    link: str = ""  # the interview or candidate in the ATS
