"""A fake Ashby API on loopback, built from Ashby's public API documentation.

What it keeps of Ashby's wire (quirks included):

- every method is a ``POST /<method>`` with a JSON body and HTTP Basic auth, the API key as
  user name and no password (401 without it, 403 with a wrong one);
- errors are HTTP 200 with ``{"success": false, "errors": [...]}``; results come as
  ``{"success": true, "results": ...}``, lists paged with ``limit``, ``cursor``,
  ``moreDataAvailable`` and ``nextCursor``;
- ``file.info`` hands out a download URL that expires (S3 answers 403 afterwards);
- ``applicationFeedback.submit`` takes ``feedbackForm.fieldSubmissions`` as ``{path, value}``
  checked against the form definition (a Score is ``{"score": 1-4}``, RichText takes
  ``{"type": "PlainText", "value": ...}``);
- webhooks are ``{"action": ..., "data": {...}}`` signed with HMAC-SHA256 of the raw body in
  ``Ashby-Signature: sha256=<hex>``.

It records every call, and can answer 429 (with Retry-After), 5xx, or be down altogether.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from bot.devtools.loopback import serve

API_KEY = "ashby-test-key"
WEBHOOK_SECRET = "ashby-webhook-secret"


@dataclass
class AshbyCall:
    method: str
    body: dict[str, Any]
    status: int
    success: bool


@dataclass
class AshbyFault:
    status: int = 503
    retry_after: int | None = None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class FakeAshby:
    api_key: str = API_KEY
    webhook_secret: str = WEBHOOK_SECRET
    link_lifetime: float = 300.0  # seconds a file.info URL works
    calls: list[AshbyCall] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)
        self.users: dict[str, dict[str, Any]] = {}
        self.candidates: dict[str, dict[str, Any]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.links: dict[str, tuple[str, float]] = {}  # token -> (handle, expires at)
        self.jobs: dict[str, dict[str, Any]] = {}
        self.postings: dict[str, dict[str, Any]] = {}
        self.stages: dict[str, dict[str, Any]] = {}
        self.interviews: dict[str, dict[str, Any]] = {}
        self.forms: dict[str, dict[str, Any]] = {}
        self.applications: dict[str, dict[str, Any]] = {}
        self.schedules: dict[str, dict[str, Any]] = {}
        self.feedback: list[dict[str, Any]] = []
        self.faults: list[tuple[str, AshbyFault]] = []
        self.down = False
        self.downloads = 0
        self.expire_next_links = 0  # links handed out already expired (a slow consumer)
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # ------------------------------------------------------------------ lifecycle
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_post("/{method}", self._handle)
        app.router.add_get("/files/{token}", self._download)
        self._runner, port = await serve(app, host, port)
        self.base_url = f"http://{host}:{port}/"
        return self.base_url

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()
            self._runner = None

    # ------------------------------------------------------------------ set-up
    def _id(self) -> str:
        return f"{next(self._ids):08x}-0000-4000-8000-{secrets.token_hex(6)}"

    def add_user(self, first: str, last: str, email: str) -> str:
        user_id = self._id()
        self.users[user_id] = {
            "id": user_id,
            "firstName": first,
            "lastName": last,
            "email": email,
            "globalRole": "Interviewer",
            "isEnabled": True,
        }
        return user_id

    def add_form(self, title: str = "Onsite scorecard") -> str:
        form_id = self._id()
        self.forms[form_id] = {
            "id": form_id,
            "title": title,
            "isArchived": False,
            "formDefinition": {
                "sections": [
                    {
                        "fields": [
                            {
                                "field": {
                                    "path": "overall_recommendation",
                                    "title": "Overall recommendation",
                                    "type": "Score",
                                    "isRequired": True,
                                }
                            },
                            {
                                "field": {
                                    "path": "questions_asked",
                                    "title": "Questions asked",
                                    "type": "LongText",
                                    "isRequired": False,
                                }
                            },
                            {
                                "field": {
                                    "path": "notes",
                                    "title": "Notes",
                                    "type": "RichText",
                                    "isRequired": True,
                                }
                            },
                            {
                                "field": {
                                    "path": "concerns",
                                    "title": "Concerns",
                                    "type": "LongText",
                                    "isRequired": False,
                                }
                            },
                        ]
                    }
                ]
            },
        }
        return form_id

    def add_application(
        self,
        *,
        candidate: str,
        job_title: str,
        description: str,
        stage: str,
        hiring_team: dict[str, str],
        resume: tuple[str, bytes] | None = None,
    ) -> str:
        """An application with its candidate, job, stage and hiring team ({role: user id})."""
        candidate_id, job_id, posting_id, stage_id = (self._id() for _ in range(4))
        record: dict[str, Any] = {
            "id": candidate_id,
            "name": candidate,
            "primaryEmailAddress": None,
        }
        if resume is not None:
            handle = base64.urlsafe_b64encode(secrets.token_bytes(12)).decode()
            self.files[handle] = {"name": resume[0], "content": resume[1]}
            record["resumeFileHandle"] = {"id": self._id(), "name": resume[0], "handle": handle}
        self.candidates[candidate_id] = record
        self.postings[posting_id] = {
            "id": posting_id,
            "title": job_title,
            "descriptionPlain": description,
        }
        self.jobs[job_id] = {
            "id": job_id,
            "title": job_title,
            "status": "Open",
            "jobPostingIds": [posting_id],
        }
        self.stages[stage_id] = {"id": stage_id, "title": stage, "type": "Active"}
        application_id = self._id()
        team = [
            {
                "userId": uid,
                "role": role,
                **{k: self.users[uid][k] for k in ("email", "firstName", "lastName")},
            }
            for role, uid in hiring_team.items()
        ]
        self.applications[application_id] = {
            "id": application_id,
            "status": "Active",
            "candidate": {"id": candidate_id, "name": candidate},
            "job": {"id": job_id, "title": job_title},
            "currentInterviewStage": {"id": stage_id, "title": stage},
            "hiringTeam": team,
        }
        return application_id

    def add_interview(self, title: str, form_id: str | None) -> str:
        interview_id = self._id()
        self.interviews[interview_id] = {
            "id": interview_id,
            "title": title,
            "feedbackFormDefinitionId": form_id,
        }
        return interview_id

    def schedule(
        self,
        application_id: str,
        interview_id: str,
        start: datetime,
        minutes: int,
        interviewers: list[str],
        *,
        location: str = "",
        meeting_link: str = "https://meet.example.com/panel",
        at: datetime | None = None,
    ) -> dict[str, Any]:
        schedule_id = self._id()
        application = self.applications[application_id]
        now = at or datetime.now(UTC)
        event_id = self._id()
        self.schedules[schedule_id] = {
            "id": schedule_id,
            "applicationId": application_id,
            "candidateId": application["candidate"]["id"],
            "interviewStageId": application["currentInterviewStage"]["id"],
            "status": "Scheduled",
            "createdAt": _iso(now),
            "updatedAt": _iso(now),
            "interviewEvents": [
                {
                    "id": event_id,
                    "interviewId": interview_id,
                    "interviewScheduleId": schedule_id,
                    "startTime": _iso(start),
                    "endTime": _iso(start + timedelta(minutes=minutes)),
                    "location": location,
                    "meetingLink": meeting_link,
                    "feedbackLink": f"https://app.ashbyhq.com/interview-briefings/{event_id}/feedback",
                    "interviewers": [dict(self.users[u]) for u in interviewers],
                    "createdAt": _iso(now),
                    "updatedAt": _iso(now),
                }
            ],
        }
        return self.schedules[schedule_id]

    def move(
        self, schedule_id: str, start: datetime, minutes: int, *, at: datetime
    ) -> dict[str, Any]:
        s = self.schedules[schedule_id]
        for event in s["interviewEvents"]:
            event["startTime"], event["endTime"] = (
                _iso(start),
                _iso(start + timedelta(minutes=minutes)),
            )
        s["updatedAt"] = _iso(at)
        return json.loads(json.dumps(s))

    def swap_interviewer(
        self, schedule_id: str, old: str, new: str, *, at: datetime
    ) -> dict[str, Any]:
        s = self.schedules[schedule_id]
        for event in s["interviewEvents"]:
            event["interviewers"] = [
                dict(self.users[new]) if u["id"] == old else u for u in event["interviewers"]
            ]
        s["updatedAt"] = _iso(at)
        return json.loads(json.dumps(s))

    def cancel(self, schedule_id: str, *, at: datetime) -> dict[str, Any]:
        s = self.schedules[schedule_id]
        s["status"], s["updatedAt"] = "Cancelled", _iso(at)
        return json.loads(json.dumps(s))

    def add_feedback(
        self,
        application_id: str,
        user_id: str,
        form_id: str,
        values: dict[str, Any],
        *,
        interview: str,
        at: datetime,
    ) -> None:
        """An earlier round's submitted scorecard."""
        user = self.users[user_id]
        self.feedback.append(
            {
                "id": self._id(),
                "applicationId": application_id,
                "submittedAt": _iso(at),
                "submittedByUser": {k: user[k] for k in ("id", "firstName", "lastName", "email")},
                "interviewEventId": None,
                "interview": {"title": interview},
                "formDefinition": self.forms[form_id]["formDefinition"],
                "submittedValues": values,
            }
        )

    def fail_next(self, method: str, fault: AshbyFault | None = None, times: int = 1) -> None:
        self.faults += [(method, fault or AshbyFault())] * times

    def expire_links(self) -> None:
        """Every download URL handed out so far stops working (as S3 links do)."""
        self.links = {t: (h, 0.0) for t, (h, _) in self.links.items()}

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        return [c.body for c in self.calls if c.method == method and c.success]

    # ------------------------------------------------------------------ webhooks
    def webhook(
        self, action: str, schedule: dict[str, Any], *, secret: str | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """A webhook delivery as Ashby sends it: the raw body and its headers."""
        body = json.dumps({"action": action, "data": {"interviewSchedule": schedule}}).encode()
        digest = hmac.new(
            (secret or self.webhook_secret).encode(), body, hashlib.sha256
        ).hexdigest()
        return body, {"Content-Type": "application/json", "Ashby-Signature": f"sha256={digest}"}

    # ------------------------------------------------------------------ the wire
    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            body = await request.json()
        except ValueError:
            body = None
        for index, (name, fault) in enumerate(self.faults):
            if name in (method, "*"):
                del self.faults[index]
                return self._answer(
                    method,
                    body or {},
                    fault.status,
                    {"success": False, "errors": ["server_error"]},
                    fault.retry_after,
                )
        if self.down:
            return self._answer(
                method, body or {}, 503, {"success": False, "errors": ["service_unavailable"]}
            )
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Basic "):
            return self._answer(
                method, body or {}, 401, {"success": False, "errors": ["missing_api_key"]}
            )
        user = base64.b64decode(auth[6:]).decode().split(":", 1)[0]
        if user != self.api_key:
            return self._answer(
                method, body or {}, 403, {"success": False, "errors": ["invalid_api_key"]}
            )
        if not isinstance(body, dict):
            return self._answer(method, {}, 200, {"success": False, "errors": ["invalid_input"]})
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return self._answer(method, body, 404, {"success": False, "errors": ["not_found"]})
        result = handler(body)
        return self._answer(method, body, 200, result)

    def _answer(
        self,
        method: str,
        body: dict[str, Any],
        status: int,
        result: dict[str, Any],
        retry_after: int | None = None,
    ) -> web.Response:
        self.calls.append(
            AshbyCall(method, body, status, bool(result.get("success")) and status == 200)
        )
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        return web.json_response(result, status=status, headers=headers)

    async def _download(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        handle, until = self.links.get(token, ("", 0.0))
        if not handle or until < time.monotonic():
            return web.Response(
                status=403,
                text="<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>",
                content_type="application/xml",
            )
        self.downloads += 1
        f = self.files[handle]
        return web.Response(
            body=f["content"],
            content_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{f["name"]}"'},
        )

    @staticmethod
    def _ok(results: Any) -> dict[str, Any]:
        return {"success": True, "results": results}

    @staticmethod
    def _missing(what: str) -> dict[str, Any]:
        return {
            "success": False,
            "errors": [f"{what}_not_found"],
            "errorInfo": {"code": f"{what}_not_found", "message": f"{what} not found"},
        }

    def _page(self, items: list[dict[str, Any]], body: dict[str, Any]) -> dict[str, Any]:
        limit = max(1, min(int(body.get("limit") or 100), 100))
        start = int(body.get("cursor") or 0)
        page = items[start : start + limit]
        more = start + limit < len(items)
        return {
            "success": True,
            "results": page,
            "moreDataAvailable": more,
            **({"nextCursor": str(start + limit)} if more else {}),
            "syncToken": "sync-1",
        }

    # ------------------------------------------------------------------ methods
    def _m_interviewSchedule_list(self, body: dict[str, Any]) -> dict[str, Any]:
        items = [
            s
            for s in self.schedules.values()
            if not body.get("applicationId") or s["applicationId"] == body["applicationId"]
        ]
        return self._page(json.loads(json.dumps(items)), body)

    def _m_application_info(self, body: dict[str, Any]) -> dict[str, Any]:
        found = self.applications.get(body.get("applicationId", ""))
        return self._ok(found) if found else self._missing("application")

    def _m_interviewStage_info(self, body: dict[str, Any]) -> dict[str, Any]:
        found = self.stages.get(body.get("interviewStageId", ""))
        return self._ok(found) if found else self._missing("interview_stage")

    def _m_interview_info(self, body: dict[str, Any]) -> dict[str, Any]:
        found = self.interviews.get(body.get("id", ""))
        return self._ok(found) if found else self._missing("interview")

    def _m_job_info(self, body: dict[str, Any]) -> dict[str, Any]:
        found = self.jobs.get(body.get("id", ""))
        return self._ok(found) if found else self._missing("job")

    def _m_jobPosting_info(self, body: dict[str, Any]) -> dict[str, Any]:
        found = self.postings.get(body.get("jobPostingId", ""))
        return self._ok(found) if found else self._missing("job_posting")

    def _m_candidate_info(self, body: dict[str, Any]) -> dict[str, Any]:
        found = self.candidates.get(body.get("id", ""))
        return self._ok(found) if found else self._missing("candidate")

    def _m_file_info(self, body: dict[str, Any]) -> dict[str, Any]:
        handle = body.get("fileHandle", "")
        if handle not in self.files:
            return self._missing("file")
        token = secrets.token_urlsafe(16)
        lifetime = self.link_lifetime
        if self.expire_next_links:
            self.expire_next_links -= 1
            lifetime = -1.0
        self.links[token] = (handle, time.monotonic() + lifetime)
        return self._ok(
            {"url": f"{self.base_url}files/{token}?X-Amz-Expires={int(self.link_lifetime)}"}
        )

    def _m_applicationFeedback_list(self, body: dict[str, Any]) -> dict[str, Any]:
        items = [f for f in self.feedback if f["applicationId"] == body.get("applicationId")]
        return self._page(items, body)

    def _m_feedbackFormDefinition_info(self, body: dict[str, Any]) -> dict[str, Any]:
        found = self.forms.get(body.get("feedbackFormDefinitionId", ""))
        return self._ok(found) if found else self._missing("feedback_form_definition")

    def _m_applicationFeedback_submit(self, body: dict[str, Any]) -> dict[str, Any]:
        form = body.get("feedbackForm") or {}
        definition = self.forms.get(form.get("formDefinitionId", ""))
        if definition is None or body.get("applicationId") not in self.applications:
            return {"success": False, "errors": ["invalid_input"]}
        if body.get("userId") not in self.users:
            return {"success": False, "errors": ["user_not_found"]}
        fields = {
            f["field"]["path"]: f["field"]
            for s in definition["formDefinition"]["sections"]
            for f in s["fields"]
        }
        values: dict[str, Any] = {}
        for item in form.get("fieldSubmissions") or []:
            spec = fields.get(item.get("path"))
            value = item.get("value")
            if spec is None or not _valid(spec["type"], value):
                return {"success": False, "errors": [f"invalid_field_value: {item.get('path')}"]}
            values[item["path"]] = value
        missing = [p for p, f in fields.items() if f.get("isRequired") and p not in values]
        if missing:
            return {"success": False, "errors": [f"missing_required_field: {missing[0]}"]}
        user = self.users[body["userId"]]
        row = {
            "id": self._id(),
            "applicationId": body["applicationId"],
            "interviewEventId": body.get("interviewEventId"),
            "submittedAt": _iso(datetime.now(UTC)),
            "submittedByUser": {k: user[k] for k in ("id", "firstName", "lastName", "email")},
            "interview": {"title": ""},
            "formDefinition": definition["formDefinition"],
            "submittedValues": values,
        }
        self.feedback.append(row)
        return self._ok(
            {
                "submittedFormInstance": {
                    "id": row["id"],
                    "formDefinitionId": definition["id"],
                    "submittedValues": values,
                }
            }
        )


def _valid(kind: str, value: Any) -> bool:
    if kind == "Score":
        return (
            isinstance(value, dict)
            and isinstance(value.get("score"), int)
            and 1 <= value["score"] <= 4
        )
    if kind == "RichText":
        return (
            isinstance(value, dict)
            and value.get("type") == "PlainText"
            and isinstance(value.get("value"), str)
        )
    if kind in ("LongText", "String"):
        return isinstance(value, str)
    return True


#: The demo cast as Ashby knows them (the same emails as in the fake Slack).
ASHBY_CAST = {
    "cora@acme.example": ("Cora", "Coordinator"),
    "hank@acme.example": ("Hank", "Hiring"),
    "rita@acme.example": ("Rita", "Recruiter"),
    "pat@acme.example": ("Pat", "Peer"),
    "carlos@acme.example": ("Carlos", "Cross"),
    "lee@acme.example": ("Lee", "Leader"),
    "priya@acme.example": ("Priya", "Peer"),
    "ronda@acme.example": ("Ronda", "Round-One"),
    "nora@contractor.example": ("Nora", "Nobody"),  # not in Slack
}


def seed_cast(fake: FakeAshby) -> dict[str, str]:
    """Add the cast as Ashby users; returns their Ashby ids by email."""
    return {email: fake.add_user(first, last, email) for email, (first, last) in ASHBY_CAST.items()}
