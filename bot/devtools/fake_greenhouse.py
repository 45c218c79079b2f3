"""A fake Greenhouse Harvest v3 API on loopback, built from Greenhouse's public documentation.

What it keeps of Greenhouse's wire (quirks included):

- ``POST /token`` (the token URL) takes HTTP Basic ``client_id:client_secret`` and
  ``grant_type=client_credentials`` and answers ``{"access_token", "token_type",
  "expires_in"}``; the API then wants ``Authorization: Bearer <token>`` (401 otherwise, or
  once the token has expired);
- ``GET /v3/<resource>`` answers a JSON array, filtered by ``ids``, parent ids
  (``application_ids``, ``job_ids``), ``type`` and ``updated_at=gte|<ISO time>``, paged by
  ``per_page``; the next page is a ``Link: <…?cursor=…>; rel="next"`` header, and a cursor
  combined with any other parameter is refused (422);
- every answer carries ``X-RateLimit-Limit`` and ``X-RateLimit-Remaining``; past the limit in
  a window it answers 429 with ``Retry-After``;
- attachment URLs expire (S3 answers 403 afterwards);
- a cancelled interview is deleted: it simply stops being listed;
- there is no endpoint to write a scorecard.

It records every call and can answer 5xx, 429, or be down altogether.
"""

from __future__ import annotations

import base64
import itertools
import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from bot.devtools.loopback import serve

CLIENT_ID = "greenhouse-test-client"
CLIENT_SECRET = "greenhouse-test-secret"

FILTERS = {
    "application_ids": "application_id",
    "job_ids": "job_id",
    "candidate_ids": "candidate_id",
}


@dataclass
class GreenhouseCall:
    method: str
    path: str
    params: dict[str, str]
    status: int


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class FakeGreenhouse:
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    token_lifetime: int = 3600
    link_lifetime: float = 7 * 24 * 3600.0
    rate_limit: int = 50  # requests per rolling 10 s window
    calls: list[GreenhouseCall] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._ids = itertools.count(4001)
        self.tables: dict[str, dict[int, dict[str, Any]]] = {
            name: {}
            for name in (
                "users",
                "candidates",
                "applications",
                "jobs",
                "job_posts",
                "job_interviews",
                "job_stages",
                "interviews",
                "attachments",
                "scorecards",
            )
        }
        self.contents: dict[int, bytes] = {}
        self.tokens: dict[str, float] = {}
        self.links: dict[str, tuple[int, float]] = {}
        self.faults: list[tuple[int, int | None]] = []
        self.down = False
        self.downloads = 0
        self.expire_next_links = 0
        self._window: list[float] = []
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # ------------------------------------------------------------------ lifecycle
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        app = web.Application()
        app.router.add_post("/token", self._token)
        app.router.add_get("/v3/{resource}", self._list)
        app.router.add_get("/files/{token}", self._download)
        self._runner, port = await serve(app, host, port)
        self.base_url = f"http://{host}:{port}/"
        self.token_url = f"{self.base_url}token"
        return self.base_url

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()
            self._runner = None

    # ------------------------------------------------------------------ set-up
    def _add(self, table: str, row: dict[str, Any], at: datetime | None = None) -> int:
        row_id = next(self._ids)
        moment = _iso(at or datetime.now(UTC))
        self.tables[table][row_id] = {
            "id": row_id,
            "created_at": moment,
            "updated_at": moment,
            **row,
        }
        return row_id

    def add_user(self, first: str, last: str, email: str) -> int:
        return self._add(
            "users", {"first_name": first, "last_name": last, "primary_email_address": email}
        )

    def add_application(
        self,
        *,
        first: str,
        last: str,
        job: str,
        description_html: str,
        hiring_team: dict[str, list[int]],
        resume: tuple[str, bytes] | None = None,
    ) -> int:
        candidate = self._add("candidates", {"first_name": first, "last_name": last})
        job_id = self._add("jobs", {"name": job, "status": "open", "hiring_team": hiring_team})
        self._add(
            "job_posts", {"job_id": job_id, "title": job, "live": True, "content": description_html}
        )
        application = self._add(
            "applications", {"candidate_id": candidate, "job_id": job_id, "status": "active"}
        )
        if resume is not None:
            attachment = self._add(
                "attachments",
                {
                    "application_id": application,
                    "candidate_id": candidate,
                    "filename": resume[0],
                    "type": "resume",
                },
            )
            self.contents[attachment] = resume[1]
        return application

    def add_job_interview(self, application: int, stage: str, name: str) -> int:
        job_id = self.tables["applications"][application]["job_id"]
        stage_id = self._add("job_stages", {"job_id": job_id, "name": stage})
        return self._add("job_interviews", {"job_stage_id": stage_id, "name": name})

    def schedule(
        self,
        application: int,
        job_interview: int,
        start: datetime,
        minutes: int,
        interviewers: list[int],
        *,
        organizer: int | None,
        at: datetime,
    ) -> int:
        return self._add(
            "interviews",
            {
                "application_id": application,
                "job_interview_id": job_interview,
                "starts_at": _iso(start),
                "ends_at": _iso(start + timedelta(minutes=minutes)),
                "location": "Berlin office, room 3",
                "video_conferencing_url": "https://zoom.example.com/j/123",
                "status": "scheduled",
                "organizer_id": organizer,
                "interviewers": [{"user_id": u, "scorecard_id": None} for u in interviewers],
            },
            at,
        )

    def move(self, interview: int, start: datetime, minutes: int, *, at: datetime) -> None:
        row = self.tables["interviews"][interview]
        row.update(
            starts_at=_iso(start),
            ends_at=_iso(start + timedelta(minutes=minutes)),
            updated_at=_iso(at),
        )

    def delete(self, interview: int) -> None:
        """How Greenhouse cancels: the interview is gone."""
        del self.tables["interviews"][interview]

    def add_scorecard(
        self,
        application: int,
        interview: int | None,
        interviewer: int,
        recommendation: str,
        questions: list[tuple[str, str]],
        *,
        at: datetime,
        interview_name: str = "",
    ) -> int:
        return self._add(
            "scorecards",
            {
                "application_id": application,
                "interview_id": interview,
                "interview_name": interview_name,
                "interviewer_id": interviewer,
                "submitted_at": _iso(at),
                "overall_recommendation": recommendation,
                "questions": [{"question": q, "answer": a} for q, a in questions],
            },
            at,
        )

    def fail_next(self, status: int = 503, retry_after: int | None = None, times: int = 1) -> None:
        self.faults += [(status, retry_after)] * times

    def calls_to(self, resource: str) -> list[dict[str, str]]:
        return [c.params for c in self.calls if c.path == f"/v3/{resource}" and c.status == 200]

    # ------------------------------------------------------------------ the wire
    def _record(self, request: web.Request, status: int) -> None:
        self.calls.append(GreenhouseCall(request.method, request.path, dict(request.query), status))

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        auth = request.headers.get("Authorization", "")
        given = base64.b64decode(auth[6:]).decode() if auth.startswith("Basic ") else ""
        if (
            given != f"{self.client_id}:{self.client_secret}"
            or form.get("grant_type") != "client_credentials"
        ):
            self._record(request, 401)
            return web.json_response({"error": "invalid_client"}, status=401)
        token = secrets.token_urlsafe(24)
        self.tokens[token] = time.monotonic() + self.token_lifetime
        self._record(request, 200)
        return web.json_response(
            {"access_token": token, "token_type": "bearer", "expires_in": self.token_lifetime}
        )

    def _limited(self) -> web.Response | None:
        now = time.monotonic()
        self._window = [t for t in self._window if t > now - 10]
        if len(self._window) >= self.rate_limit:
            return web.json_response(
                {"message": "Too Many Requests"},
                status=429,
                headers={"Retry-After": "10", **self._rate_headers()},
            )
        self._window.append(now)
        return None

    def _rate_headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.rate_limit),
            "X-RateLimit-Remaining": str(max(0, self.rate_limit - len(self._window))),
        }

    async def _list(self, request: web.Request) -> web.Response:
        resource = request.match_info["resource"]
        if self.faults:
            status, retry_after = self.faults.pop(0)
            self._record(request, status)
            headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
            return web.json_response({"message": "error"}, status=status, headers=headers)
        if self.down:
            self._record(request, 503)
            return web.json_response({"message": "Service Unavailable"}, status=503)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if self.tokens.get(token, 0) < time.monotonic():
            self._record(request, 401)
            return web.json_response({"message": "Unauthorized"}, status=401)
        limited = self._limited()
        if limited is not None:
            self._record(request, 429)
            return limited
        table = self.tables.get(resource)
        if table is None:
            self._record(request, 404)
            return web.json_response({"message": "Not found"}, status=404)
        params = dict(request.query)
        if "cursor" in params:
            if len(params) > 1:
                self._record(request, 422)
                return web.json_response(
                    {"message": "cursor cannot be combined with other parameters"}, status=422
                )
            state = json.loads(base64.urlsafe_b64decode(params["cursor"]))
            params, offset = state["params"], state["offset"]
        else:
            offset = 0
        rows = self._filter(list(table.values()), params, resource)
        per_page = max(1, min(int(params.get("per_page") or 100), 500))
        page = rows[offset : offset + per_page]
        headers = self._rate_headers()
        if offset + per_page < len(rows):
            cursor = base64.urlsafe_b64encode(
                json.dumps({"params": params, "offset": offset + per_page}).encode()
            ).decode()
            headers["Link"] = f'<{self.base_url}v3/{resource}?cursor={cursor}>; rel="next"'
        if resource == "attachments":
            page = [self._with_url(a) for a in page]
        self._record(request, 200)
        return web.json_response(page, headers=headers)

    def _filter(
        self, rows: list[dict[str, Any]], params: dict[str, str], resource: str
    ) -> list[dict[str, Any]]:
        if params.get("ids"):
            wanted = {int(i) for i in params["ids"].split(",") if i}
            rows = [r for r in rows if r["id"] in wanted]
        for name, column in FILTERS.items():
            if params.get(name):
                wanted = {int(i) for i in params[name].split(",") if i}
                rows = [r for r in rows if r.get(column) in wanted]
        if params.get("type"):
            rows = [r for r in rows if r.get("type") == params["type"]]
        if params.get("updated_at"):
            op, _, value = params["updated_at"].partition("|")
            since = datetime.fromisoformat(value.replace("Z", "+00:00"))
            keep = {
                "gte": lambda t: t >= since,
                "gt": lambda t: t > since,
                "lte": lambda t: t <= since,
                "lt": lambda t: t < since,
            }[op]
            rows = [
                r
                for r in rows
                if keep(datetime.fromisoformat(r["updated_at"].replace("Z", "+00:00")))
            ]
        return sorted(rows, key=lambda r: r["id"])

    def _with_url(self, attachment: dict[str, Any]) -> dict[str, Any]:
        token = secrets.token_urlsafe(16)
        lifetime = self.link_lifetime
        if self.expire_next_links:
            self.expire_next_links -= 1
            lifetime = -1.0
        self.links[token] = (attachment["id"], time.monotonic() + lifetime)
        return {**attachment, "url": f"{self.base_url}files/{token}?X-Amz-Expires=604800"}

    async def _download(self, request: web.Request) -> web.Response:
        attachment, until = self.links.get(request.match_info["token"], (0, 0.0))
        if not attachment or until < time.monotonic():
            return web.Response(
                status=403,
                text="<Error><Code>AccessDenied</Code></Error>",
                content_type="application/xml",
            )
        self.downloads += 1
        return web.Response(body=self.contents[attachment], content_type="application/pdf")


GREENHOUSE_CAST = {
    "cora@acme.example": ("Cora", "Coordinator"),
    "hank@acme.example": ("Hank", "Hiring"),
    "rita@acme.example": ("Rita", "Recruiter"),
    "pat@acme.example": ("Pat", "Peer"),
    "carlos@acme.example": ("Carlos", "Cross"),
    "lee@acme.example": ("Lee", "Leader"),
    "ronda@acme.example": ("Ronda", "Round-One"),
}


def seed_cast(fake: FakeGreenhouse) -> dict[str, int]:
    return {
        email: fake.add_user(first, last, email) for email, (first, last) in GREENHOUSE_CAST.items()
    }
