"""Ashby: every call a POST of JSON to ``ASHBY_API_URL/<method>`` with the API key as HTTP Basic
user name; errors come back as HTTP 200 with ``success: false``.

What HireBot reads: ``interviewSchedule.list`` (the schedule, by application), ``application.info``
(candidate, job, stage, hiring team), ``interviewStage.info``, ``interview.info`` (name and
feedback form), ``job.info`` and ``jobPosting.info`` (the description), ``candidate.info`` (the
résumé's file handle), ``file.info`` (a fresh, expiring download URL),
``applicationFeedback.list`` (earlier rounds); and what it writes:
``feedbackFormDefinition.info`` then ``applicationFeedback.submit``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import httpx

from bot.ats import http
from bot.ats.connector import (
    AtsPerson,
    AtsRejected,
    AtsUnavailable,
    EarlierFeedback,
    FeedbackToSubmit,
    Interview,
    ResumeExpired,
    ResumeFile,
    SubmittedScorecard,
)

log = logging.getLogger(__name__)

#: Ashby's score fields take 1-4; HireBot's recommendations map onto it in order.
SCORES = {"strong_no": 1, "no": 2, "yes": 3, "strong_yes": 4}
LABELS = {"strong_no": "strong no", "no": "no", "yes": "yes", "strong_yes": "strong yes"}
PAGE = 100
CANDIDATE_PAGE = "https://app.ashbyhq.com/candidates/{}"
COORDINATOR_ROLES = ("recruiting coordinator", "coordinator")


class AshbyConnector:
    name = "ashby"
    label = "Ashby"
    writes_feedback = True

    def __init__(self, api_key: str, api_url: str) -> None:
        self._http = http.client(api_url, auth=httpx.BasicAuth(api_key, ""))
        self._files = http.client("")  # résumé downloads go to the URL file.info gives

    async def close(self) -> None:
        await self._http.aclose()
        await self._files.aclose()

    # ------------------------------------------------------------------ the wire
    async def call(self, method: str, body: Mapping[str, Any]) -> Any:
        request = self._http.build_request(
            "POST", method, json=dict(body), headers={"Content-Type": "application/json"}
        )
        response = await http.send(self._http, request, method)
        try:
            data = response.json()
        except ValueError:
            raise AtsUnavailable(f"{method}: not JSON") from None
        if not data.get("success"):
            info = data.get("errorInfo") or {}
            codes = data.get("errors") or [info.get("code") or "unknown_error"]
            raise AtsRejected(f"{method}: {', '.join(str(c) for c in codes)[:200]}")
        return data

    async def _pages(self, method: str, body: Mapping[str, Any]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            page = await self.call(
                method, {**body, "limit": PAGE, **({"cursor": cursor} if cursor else {})}
            )
            found += page.get("results") or []
            cursor = page.get("nextCursor")
            if not page.get("moreDataAvailable") or not cursor:
                return found

    # ------------------------------------------------------------------ interviews
    async def interview(self, interview_id: str, refs: Mapping[str, Any]) -> Interview | None:
        application_id = refs.get("application_id")
        if not application_id:
            raise AtsRejected("interviewSchedule: no application to look it up by")
        schedules = await self._pages("interviewSchedule.list", {"applicationId": application_id})
        found = next((s for s in schedules if s.get("id") == interview_id), None)
        return None if found is None else await self.build(found)

    async def changed_since(self, since: datetime | None) -> list[Interview]:
        schedules = await self._pages("interviewSchedule.list", {})
        changed = [
            s
            for s in schedules
            if since is None or (http.parse_time(s.get("updatedAt")) or since) >= since
        ]
        changed.sort(key=lambda s: s.get("updatedAt") or "")
        return [await self.build(s) for s in changed]

    async def existing(self, interview_ids: Sequence[str]) -> set[str]:
        return set(interview_ids)  # Ashby cancels by status, it does not delete

    async def build(self, schedule: Mapping[str, Any]) -> Interview:
        events = sorted(schedule.get("interviewEvents") or [], key=lambda e: e.get("startTime", ""))
        if not events:
            raise AtsRejected(f"interviewSchedule {schedule.get('id')}: no interview events")
        application = (
            await self.call("application.info", {"applicationId": schedule["applicationId"]})
        )["results"]
        candidate = application.get("candidate") or {}
        job = application.get("job") or {}
        stage_id = schedule.get("interviewStageId") or (
            application.get("currentInterviewStage") or {}
        ).get("id")
        stage = ""
        if stage_id:
            stage = (await self.call("interviewStage.info", {"interviewStageId": stage_id}))[
                "results"
            ].get("title", "")
        first = events[0]
        interview = (await self.call("interview.info", {"id": first.get("interviewId")}))["results"]
        description = await self._description(job.get("id"))
        team = application.get("hiringTeam") or []
        people: dict[str, AtsPerson] = {}
        user_ids: dict[str, str] = {}
        for event in events:
            for user in event.get("interviewers") or []:
                email = (user.get("email") or "").strip().lower()
                if email and email not in people:
                    people[email] = _person(user)
                    user_ids[email] = str(user.get("id") or "")
        resume = await self._resume_handle(candidate.get("id"))
        candidate_id = str(candidate.get("id") or schedule.get("candidateId") or "")
        return Interview(
            source=self.name,
            id=str(schedule["id"]),
            updated_at=_time(schedule.get("updatedAt") or schedule.get("createdAt")),
            cancelled=schedule.get("status") == "Cancelled",
            candidate_id=candidate_id,
            candidate_name=str(candidate.get("name") or "Unnamed candidate"),
            job_title=str(job.get("title") or "Untitled role"),
            job_description=description,
            stage=stage,
            interview_name=str(interview.get("title") or ""),
            starts_at=_time(first.get("startTime")),
            ends_at=max(_time(e.get("endTime")) for e in events),
            location=str(first.get("location") or ""),
            video_url=str(first.get("meetingLink") or ""),
            interviewers=tuple(people.values()),
            hiring_manager=_role(team, ("hiring manager",)),
            recruiter=_role(team, ("recruiter",)),
            coordinator=_role(team, COORDINATOR_ROLES),
            candidate_url=CANDIDATE_PAGE.format(candidate_id) if candidate_id else "",
            scorecard_url=str(first.get("feedbackLink") or ""),
            has_resume=resume is not None,
            refs={
                "application_id": schedule["applicationId"],
                "form_id": interview.get("feedbackFormDefinitionId"),
                "event_ids": [str(e.get("id")) for e in events],
                "event_of": {
                    (u.get("email") or "").strip().lower(): str(event.get("id"))
                    for event in events
                    for u in event.get("interviewers") or []
                },
                "user_ids": user_ids,
                "resume_handle": resume,
            },
        )

    async def _description(self, job_id: str | None) -> str:
        if not job_id:
            return ""
        job = (await self.call("job.info", {"id": job_id}))["results"]
        for posting_id in job.get("jobPostingIds") or []:
            posting = (await self.call("jobPosting.info", {"jobPostingId": posting_id}))["results"]
            text = posting.get("descriptionPlain") or http.plain(posting.get("descriptionHtml"))
            if text:
                return http.plain(text)
        return ""

    async def _resume_handle(self, candidate_id: str | None) -> str | None:
        if not candidate_id:
            return None
        candidate = (await self.call("candidate.info", {"id": candidate_id}))["results"]
        handle = candidate.get("resumeFileHandle") or {}
        return handle.get("handle") or None

    # ------------------------------------------------------------------ the résumé
    async def resume(self, interview: Interview | None, refs: Mapping[str, Any]) -> ResumeFile:
        """``file.info`` gives a short-lived URL: fetched now, and once more if it has
        already expired by the time it is downloaded."""
        handle = refs.get("resume_handle")
        if not handle:
            raise AtsRejected("the candidate has no résumé in Ashby")
        for attempt in (1, 2):
            url = (await self.call("file.info", {"fileHandle": handle}))["results"]["url"]
            try:
                return await self._download(url)
            except ResumeExpired:
                if attempt == 2:  # two fresh links dead on arrival: Ashby's storage is unwell
                    raise AtsUnavailable("résumé links expire before they can be used") from None
                log.info("Ashby résumé link had expired; asking for a fresh one")
        raise AssertionError("unreachable")

    async def _download(self, url: str) -> ResumeFile:
        request = self._files.build_request("GET", url)
        try:
            response = await self._files.send(request)
        except httpx.TransportError as exc:
            raise AtsUnavailable(f"résumé download: {type(exc).__name__}") from None
        if response.status_code in (401, 403, 404, 410):
            raise ResumeExpired("résumé link expired")
        http.check(response, "résumé download")
        name = _filename(response) or "resume.pdf"
        return ResumeFile(
            name,
            response.content,
            response.headers.get("Content-Type", "application/pdf").split(";")[0],
        )

    # ------------------------------------------------------------------ feedback
    async def earlier_feedback(self, interview: Interview) -> list[EarlierFeedback]:
        rows = await self._pages(
            "applicationFeedback.list", {"applicationId": interview.refs["application_id"]}
        )
        mine = set(interview.refs.get("event_ids") or [])
        found: list[EarlierFeedback] = []
        for row in rows:
            submitted = http.parse_time(row.get("submittedAt"))
            if row.get("interviewEventId") in mine:
                continue
            if submitted is not None and submitted >= interview.starts_at:
                continue
            questions, notes = _read_form(row)
            user = row.get("submittedByUser") or {}
            found.append(
                EarlierFeedback(
                    interviewer=_person(user) if user.get("email") else None,
                    interview_name=str((row.get("interview") or {}).get("title") or ""),
                    questions=questions,
                    notes=notes,
                    submitted_at=submitted,
                )
            )
        return found

    async def submit_feedback(self, refs: Mapping[str, Any], feedback: FeedbackToSubmit) -> str:
        form_id = refs.get("form_id")
        if not form_id:
            raise AtsRejected("the interview has no feedback form in Ashby")
        email = feedback.interviewer_email.lower()
        user_id = (refs.get("user_ids") or {}).get(email)
        if not user_id:
            raise AtsRejected("the interviewer is not on the Ashby interview")
        form = (
            await self.call("feedbackFormDefinition.info", {"feedbackFormDefinitionId": form_id})
        )["results"]
        body: dict[str, Any] = {
            "applicationId": refs["application_id"],
            "userId": user_id,
            "feedbackForm": {"formDefinitionId": form_id, "fieldSubmissions": fill(form, feedback)},
        }
        event_id = (refs.get("event_of") or {}).get(email)
        if event_id:
            body["interviewEventId"] = event_id
        result = (await self.call("applicationFeedback.submit", body))["results"]
        return str((result.get("submittedFormInstance") or {}).get("id") or "")

    async def scorecards(self, refs: Mapping[str, Any]) -> list[SubmittedScorecard]:
        return []  # HireBot writes Ashby's feedback itself


def fill(form: Mapping[str, Any], feedback: FeedbackToSubmit) -> list[dict[str, Any]]:
    """HireBot's feedback mapped onto the form's own fields, by type and title: the first
    score (or a "recommendation" select) takes the recommendation, a field about questions
    takes the questions asked, one about concerns the concerns, and the first other text field
    the evidence (with the concerns, when the form has no field for them)."""
    fields = [
        f.get("field") or f
        for section in form.get("formDefinition", form).get("sections") or []
        for f in section.get("fields") or []
    ]
    out: dict[str, Any] = {}
    text_types = {"RichText", "LongText", "String"}
    evidence_path = None
    concerns_done = False

    def text(value: str, kind: str) -> Any:
        return {"type": "PlainText", "value": value} if kind == "RichText" else value

    for f in fields:
        path, kind, title = f.get("path"), f.get("type"), str(f.get("title") or "").casefold()
        if not path:
            continue
        if kind == "Score" and "recommend" not in out:
            out[path] = {"score": SCORES.get(feedback.recommendation, 3)}
            out.setdefault("recommend", path)
        elif kind == "ValueSelect" and "recommend" in title:
            options = {
                str(o.get("label", "")).casefold(): o.get("value")
                for o in f.get("selectableValues") or []
            }
            choice = options.get(LABELS.get(feedback.recommendation, ""))
            if choice is not None:
                out[path] = choice
        elif kind in text_types and "question" in title:
            out[path] = text("\n".join(feedback.questions_asked), kind)
        elif kind in text_types and "concern" in title:
            out[path] = text(feedback.concerns, kind)
            concerns_done = True
        elif kind in text_types and evidence_path is None:
            evidence_path = (path, kind)
    if evidence_path is not None:
        path, kind = evidence_path
        body = feedback.evidence
        if not concerns_done and feedback.concerns:
            body = f"{body}\n\nConcerns: {feedback.concerns}"
        out[path] = text(body, kind)
    out.pop("recommend", None)
    return [{"path": p, "value": v} for p, v in out.items()]


def _read_form(row: Mapping[str, Any]) -> tuple[tuple[str, ...], str]:
    """An earlier scorecard's questions asked (fields about questions, one per line) and its
    notes (the other text and score fields, titled)."""
    values = row.get("submittedValues") or {}
    fields = [
        f.get("field") or f
        for section in (row.get("formDefinition") or {}).get("sections") or []
        for f in section.get("fields") or []
    ]
    questions: list[str] = []
    notes: list[str] = []
    for f in fields:
        value = values.get(f.get("path"))
        if value in (None, "", []):
            continue
        title = str(f.get("title") or "")
        if isinstance(value, dict) and "score" in value:
            notes.append(f"{title}: {value['score']}/4")
            continue
        if isinstance(value, dict):
            value = value.get("value", "")
        text = http.plain(str(value))
        if "question" in title.casefold():
            questions += [line.lstrip("-•* ").strip() for line in text.splitlines() if line.strip()]
        elif text:
            notes.append(f"{title}: {text}" if title else text)
    return tuple(q for q in questions if q), "\n".join(notes)


def _person(user: Mapping[str, Any]) -> AtsPerson:
    name = " ".join(p for p in (user.get("firstName"), user.get("lastName")) if p) or str(
        user.get("name") or ""
    )
    return AtsPerson(email=str(user.get("email") or "").strip().lower(), name=name)


def _role(team: Sequence[Mapping[str, Any]], roles: Sequence[str]) -> AtsPerson | None:
    for member in team:
        if str(member.get("role") or "").casefold() in roles and member.get("email"):
            return _person(member)
    return None


def _filename(response: httpx.Response) -> str:
    disposition = response.headers.get("Content-Disposition", "")
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename" and value:
            return value.strip('"')
    return response.url.path.rsplit("/", 1)[-1] if response.url.path else ""


def _time(value: object) -> datetime:
    """A time Ashby always sends; one missing or malformed is a payload HireBot cannot use."""
    parsed = http.parse_time(value)
    if parsed is None:
        raise AtsRejected(f"Ashby sent no usable time ({value!r})")
    return parsed
