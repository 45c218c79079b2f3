"""What a coordinator asks for when scheduling or moving a panel, and whether it makes sense.

Input arrives as plain field → value maps (whatever the platform's form looked like); the result
is either a typed request or a field → message map the platform shows next to each field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from bot.models import FocusArea, PanelFormat, Perspective
from bot.panels import bounds
from bot.people import zone_named

MIN_DURATION, MAX_DURATION = 15, 480
MAX_PANELISTS = 8
MAX_ROUND = 10
MAX_NAME = bounds.CANDIDATE.max_length
MAX_LONG_TEXT = bounds.RESPONSIBILITIES.max_length  # Slack's plain_text_input limit
MAX_QUESTIONS = 50

Errors = dict[str, str]


@dataclass(frozen=True)
class Slot:
    """When a panel happens: a UTC start, its length, and the zone it was arranged in."""

    starts_at: datetime
    duration_minutes: int
    timezone: str

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True)
class PanelBasics:
    """The first step of scheduling: everything but each panelist's focus."""

    candidate_name: str
    role_title: str
    responsibilities: str
    round_number: int
    slot: Slot
    format: str
    location: str
    panelist_ids: tuple[str, ...]
    hiring_manager_id: str
    recruiter_id: str
    resume_url: str | None
    prior_notes: str = ""
    prior_questions: tuple[str, ...] = ()
    prior_interviewer_ids: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = self.__dict__.copy()
        data["slot"] = {
            "starts_at": self.slot.starts_at.isoformat(),
            "duration_minutes": self.slot.duration_minutes,
            "timezone": self.slot.timezone,
        }
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PanelBasics:
        slot = data["slot"]
        return cls(
            **{
                **data,
                "slot": Slot(
                    datetime.fromisoformat(slot["starts_at"]),
                    slot["duration_minutes"],
                    slot["timezone"],
                ),
                "panelist_ids": tuple(data["panelist_ids"]),
                "prior_questions": tuple(data["prior_questions"]),
                "prior_interviewer_ids": tuple(data["prior_interviewer_ids"]),
            }
        )


@dataclass(frozen=True)
class Assignment:
    """One panelist's part: what they probe and from which seat."""

    user_id: str
    focus_area: str
    perspective: str
    focus_detail: str = ""


@dataclass
class Checked:
    """A validation result: ``value`` when ``errors`` is empty."""

    value: Any = None
    errors: Errors = field(default_factory=dict)


def _text(raw: dict[str, Any], name: str) -> str:
    value = raw.get(name)
    return value.strip() if isinstance(value, str) else ""


def _ids(raw: dict[str, Any], name: str) -> list[str]:
    value = raw.get(name) or []
    return [v for v in value if isinstance(v, str) and v]


def is_url(text: str) -> bool:
    parsed = urlparse(text)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc) and "." in parsed.netloc


def looks_like_link(text: str) -> bool:
    return bool(re.match(r"(https?[:/]|www\.|[a-z]+://)", text, re.IGNORECASE))


def split_questions(text: str) -> tuple[str, ...]:
    """One question per line; bullets and numbering are dropped, blank lines ignored."""
    return bounds.lines(text)


def check_questions(raw: dict[str, Any], name: str, errors: Errors) -> tuple[str, ...]:
    """A one-question-per-line field: at most ``MAX_QUESTIONS``, each within its bound."""
    questions = split_questions(bounds.field(raw, name, bounds.PRIOR_QUESTIONS, errors))
    if len(questions) > MAX_QUESTIONS:
        errors[name] = f"List at most {MAX_QUESTIONS} questions, one per line."
    for number, question in enumerate(questions, start=1):
        if len(question) > bounds.QUESTION.max_length:
            errors[name] = (
                f"Question {number} is {len(question)} characters: keep each to"
                f" {bounds.QUESTION.max_length}, one per line."
            )
            break
    return questions


def check_slot(raw: dict[str, Any], now: datetime) -> Checked:
    """Validate ``start_date``, ``start_time``, ``timezone`` and ``duration`` fields."""
    errors: Errors = {}
    tz_name = _text(raw, "timezone")
    zone: ZoneInfo | None = None
    if not tz_name:
        errors["timezone"] = "Choose the time zone the start time is in."
    else:
        zone = zone_named(tz_name)
        if zone is None:
            errors["timezone"] = "That is not a time zone: type a city, e.g. Berlin."

    duration_text = _text(raw, "duration")
    duration = int(duration_text) if re.fullmatch(r"\d{1,4}", duration_text) else None
    if duration is None:
        errors["duration"] = "Enter the length in whole minutes."
    elif not MIN_DURATION <= duration <= MAX_DURATION:
        errors["duration"] = (
            f"A panel lasts between {MIN_DURATION} and {MAX_DURATION} minutes (8 hours)."
        )

    day_text, time_text = _text(raw, "start_date"), _text(raw, "start_time")
    if not day_text:
        errors["start_date"] = "Pick the day of the panel."
    if not time_text:
        errors["start_time"] = "Pick the start time."
    if errors.keys() & {"start_date", "start_time", "timezone"}:
        return Checked(errors=errors)
    try:
        local = datetime.combine(date.fromisoformat(day_text), time.fromisoformat(time_text))
    except ValueError:
        errors["start_date"] = "That is not a valid date and time."
        return Checked(errors=errors)
    assert zone is not None
    # Checked on the local date before any zone arithmetic, which overflows near year 1 or 9999.
    if local > datetime.combine(now.date() + bounds.MAX_START_AHEAD, time()):
        errors["start_date"] = "Pick a day within the next year."
        return Checked(errors=errors)
    if local < datetime.combine(now.date() - timedelta(days=2), time()):
        errors["start_date"] = "The start must be in the future."
        return Checked(errors=errors)
    aware = local.replace(tzinfo=zone)
    if aware.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None) != local:
        errors["start_time"] = (
            f"{time_text} does not exist on that day in {tz_name} (clocks change)."
        )
        return Checked(errors=errors)
    starts_at = aware.astimezone(ZoneInfo("UTC"))
    if starts_at <= now:
        errors["start_date"] = "The start must be in the future."
    if errors:
        return Checked(errors=errors)
    assert duration is not None
    return Checked(Slot(starts_at, duration, tz_name))


def check_basics(raw: dict[str, Any], now: datetime) -> Checked:
    """Validate the first step of the scheduling form."""
    errors: Errors = {}
    candidate = bounds.field(
        raw, "candidate", bounds.CANDIDATE, errors, required="Enter the candidate's name."
    )
    role_title = bounds.field(
        raw, "role_title", bounds.ROLE_TITLE, errors, required="Enter the role's title."
    )
    responsibilities = bounds.field(
        raw,
        "responsibilities",
        bounds.RESPONSIBILITIES,
        errors,
        required="Say what the role is responsible for.",
    )
    location = bounds.field(
        raw, "location", bounds.LOCATION, errors, required="Enter a room or a video link."
    )
    prior_notes = bounds.field(raw, "prior_notes", bounds.PRIOR_NOTES, errors)
    if location and looks_like_link(location) and not is_url(location):
        errors["location"] = "That link is not a valid URL (it should start with https://)."

    round_text = _text(raw, "round") or "2"
    round_number = int(round_text) if re.fullmatch(r"\d{1,2}", round_text) else 0
    if not 1 <= round_number <= MAX_ROUND:
        errors["round"] = f"The round is a number from 1 to {MAX_ROUND}."

    fmt = _text(raw, "format")
    if fmt not in set(PanelFormat):
        errors["format"] = "Choose the panel's format."

    panelists = _ids(raw, "panelists")
    if not panelists:
        errors["panelists"] = "Add at least one panelist."
    elif len(panelists) > MAX_PANELISTS:
        errors["panelists"] = (
            f"A panel has at most {MAX_PANELISTS} people; you chose {len(panelists)}."
        )
    elif len(set(panelists)) != len(panelists):
        errors["panelists"] = "The same person is on the panel twice."

    hiring_manager = _text(raw, "hiring_manager")
    recruiter = _text(raw, "recruiter")
    if not hiring_manager:
        errors["hiring_manager"] = "Choose the hiring manager."
    if not recruiter:
        errors["recruiter"] = "Choose the recruiter."

    resume_url = bounds.field(raw, "resume_url", bounds.RESUME_URL, errors) or None
    if resume_url and not is_url(resume_url):
        errors["resume_url"] = "The résumé link must be a URL starting with https://."

    questions = check_questions(raw, "prior_questions", errors)

    slot = check_slot(raw, now)
    errors.update(slot.errors)
    if errors:
        return Checked(errors=errors)
    return Checked(
        PanelBasics(
            candidate_name=candidate,
            role_title=role_title,
            responsibilities=responsibilities,
            round_number=round_number,
            slot=slot.value,
            format=fmt,
            location=location,
            panelist_ids=tuple(panelists),
            hiring_manager_id=hiring_manager,
            recruiter_id=recruiter,
            resume_url=resume_url,
            prior_notes=prior_notes,
            prior_questions=questions,
            prior_interviewer_ids=tuple(_ids(raw, "prior_interviewers")),
        )
    )


def assignment_fields(user_id: str) -> tuple[str, str, str]:
    """Field names of one panelist's focus, detail and perspective in the second step."""
    return f"focus:{user_id}", f"detail:{user_id}", f"perspective:{user_id}"


def check_assignments(raw: dict[str, Any], panelist_ids: tuple[str, ...]) -> Checked:
    """Validate the second step: a focus area and a perspective for every panelist."""
    errors: Errors = {}
    assignments = []
    for user_id in panelist_ids:
        focus_field, detail_field, perspective_field = assignment_fields(user_id)
        focus = _text(raw, focus_field)
        detail = bounds.field(raw, detail_field, bounds.FOCUS_DETAIL, errors)
        perspective = _text(raw, perspective_field)
        if focus not in set(FocusArea):
            errors[focus_field] = "Choose what this panelist focuses on."
        elif focus == FocusArea.OTHER and not detail and detail_field not in errors:
            errors[detail_field] = "Describe the focus when you choose Other."
        if perspective not in set(Perspective):
            errors[perspective_field] = "Choose the seat this panelist sits in."
        assignments.append(Assignment(user_id, focus, perspective, detail))
    if errors:
        return Checked(errors=errors)
    return Checked(tuple(assignments))
