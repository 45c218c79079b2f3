"""Greenhouse: Harvest v3, with an OAuth client-credentials token (v1/v2 and their API keys
are being retired).

- The token: ``POST GREENHOUSE_TOKEN_URL`` with HTTP Basic ``client_id:client_secret`` and
  ``grant_type=client_credentials``; kept until shortly before it expires, and fetched again on
  a 401.
- Lists are ``GET GREENHOUSE_API_URL/v3/<resource>`` with filters like
  ``updated_at=gte|<ISO time>`` and ``ids=1,2``; pages follow the ``Link: <…>; rel="next"``
  header, whose cursor URL is used as it is (no other parameter may be added to it).
- 429 carries ``Retry-After``; every answer carries ``X-RateLimit-Remaining``.
- Attachment URLs expire (seven days): the résumé is listed again for each download.
- There is no webhook for scheduled interviews, so HireBot polls by update time; an interview
  Greenhouse deletes (how a cancellation looks there) is found by asking for the ids HireBot
  still has upcoming.
- There is no API to write a scorecard: the feedback ask links to the candidate's page, and the
  sync reads the scorecards submitted there.

Resources read: ``interviews``, ``applications``, ``candidates``, ``jobs`` (with its hiring
team), ``job_posts`` (the description), ``job_interviews`` and ``job_stages`` (names),
``users`` (emails), ``attachments`` (type ``resume``) and ``scorecards``.
"""

from __future__ import annotations

import logging
import re
import time
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

PER_PAGE = 100
APP_URL = "https://app.greenhouse.io"
#: Greenhouse's overall recommendations onto HireBot's.
RECOMMENDATIONS = {
    "definitely_not": "strong_no",
    "no": "no",
    "yes": "yes",
    "strong_yes": "strong_yes",
}
CANCELLED = {"cancelled", "canceled"}


class GreenhouseConnector:
    name = "greenhouse"
    label = "Greenhouse"
    writes_feedback = False

    def __init__(self, client_id: str, client_secret: str, api_url: str, token_url: str) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self._token_url = token_url
        self._http = http.client(api_url)
        self._token: str | None = None
        self._token_until = 0.0
        self.rate_remaining: int | None = None
        self._users: dict[int, AtsPerson] = {}

    async def close(self) -> None:
        await self._http.aclose()

    # ------------------------------------------------------------------ the wire
    async def _access_token(self, *, fresh: bool = False) -> str:
        if self._token and not fresh and time.monotonic() < self._token_until:
            return self._token
        try:
            response = await self._http.post(
                self._token_url,
                data={"grant_type": "client_credentials"},
                auth=httpx.BasicAuth(self._client_id, self._client_secret),
            )
        except httpx.TimeoutException:
            raise AtsUnavailable("token: timed out") from None
        except httpx.TransportError as exc:
            raise AtsUnavailable(f"token: {type(exc).__name__}") from None
        http.check(response, "token")
        body = response.json()
        token = body.get("access_token")
        if not token:
            raise AtsRejected("token: no access_token in the answer")
        self._token = str(token)
        lifetime = float(body.get("expires_in") or 3600)
        self._token_until = time.monotonic() + max(30.0, lifetime - 60)
        return self._token

    async def _get(self, url: str, params: Mapping[str, Any] | None = None) -> httpx.Response:
        what = "GET " + (url.split("?")[0].rsplit("/v3/", 1)[-1] if "/v3/" in url else url)
        for attempt in (1, 2):
            token = await self._access_token(fresh=attempt == 2)
            request = self._http.build_request(
                "GET", url, params=params, headers={"Authorization": f"Bearer {token}"}
            )
            try:
                response = await self._http.send(request)
            except httpx.TimeoutException:
                raise AtsUnavailable(f"{what}: timed out") from None
            except httpx.TransportError as exc:
                raise AtsUnavailable(f"{what}: {type(exc).__name__}") from None
            remaining = response.headers.get("X-RateLimit-Remaining", "")
            if remaining.isdigit():
                self.rate_remaining = int(remaining)
            if response.status_code == 401 and attempt == 1:
                continue  # the token expired early: one fresh one
            http.check(response, what)
            return response
        raise AssertionError("unreachable")

    async def _list(self, resource: str, **params: Any) -> list[dict[str, Any]]:
        """Every page of ``/v3/<resource>``, following the Link header's next URL as is."""
        query = {k: v for k, v in params.items() if v not in (None, "")}
        query.setdefault("per_page", PER_PAGE)
        response = await self._get(f"v3/{resource}", query)
        found: list[dict[str, Any]] = list(response.json())
        while (next_url := _next_link(response.headers.get("Link", ""))) is not None:
            response = await self._get(next_url)
            found += response.json()
        return found

    async def _by_ids(self, resource: str, ids: Sequence[Any]) -> dict[int, dict[str, Any]]:
        wanted = [str(i) for i in dict.fromkeys(ids) if i is not None]
        found: dict[int, dict[str, Any]] = {}
        for start in range(0, len(wanted), 50):
            for row in await self._list(resource, ids=",".join(wanted[start : start + 50])):
                found[int(row["id"])] = row
        return found

    async def _people(self, user_ids: Sequence[Any]) -> dict[int, AtsPerson]:
        missing = [int(u) for u in user_ids if u is not None and int(u) not in self._users]
        for user_id, row in (await self._by_ids("users", missing)).items():
            name = " ".join(p for p in (row.get("first_name"), row.get("last_name")) if p)
            email = str(row.get("primary_email_address") or "").strip().lower()
            self._users[user_id] = AtsPerson(email=email, name=name)
        return {
            int(u): self._users[int(u)] for u in user_ids if u is not None and int(u) in self._users
        }

    # ------------------------------------------------------------------ interviews
    async def changed_since(self, since: datetime | None) -> list[Interview]:
        rows = await self._list(
            "interviews", updated_at=f"gte|{_iso(since)}" if since is not None else None
        )
        rows.sort(key=lambda r: r.get("updated_at") or "")
        return await self._build(rows)

    async def interview(self, interview_id: str, refs: Mapping[str, Any]) -> Interview | None:
        rows = await self._list("interviews", ids=interview_id)
        built = await self._build(rows)
        return built[0] if built else None

    async def existing(self, interview_ids: Sequence[str]) -> set[str]:
        rows = await self._list("interviews", ids=",".join(interview_ids))
        return {str(r["id"]) for r in rows if str(r.get("status", "")).lower() not in CANCELLED}

    async def _build(self, rows: list[dict[str, Any]]) -> list[Interview]:
        if not rows:
            return []
        applications = await self._by_ids("applications", [r.get("application_id") for r in rows])
        candidates = await self._by_ids(
            "candidates", [a.get("candidate_id") for a in applications.values()]
        )
        jobs = await self._by_ids("jobs", [a.get("job_id") for a in applications.values()])
        kinds = await self._by_ids("job_interviews", [r.get("job_interview_id") for r in rows])
        stages = await self._by_ids("job_stages", [k.get("job_stage_id") for k in kinds.values()])
        user_ids: list[Any] = []
        for r in rows:
            user_ids += [i.get("user_id") for i in r.get("interviewers") or []] + [
                r.get("organizer_id")
            ]
        for job in jobs.values():
            team = job.get("hiring_team") or {}
            for role in ("hiring_managers", "recruiters", "coordinators"):
                user_ids += team.get(role) or []
        people = await self._people(user_ids)
        descriptions: dict[int, str] = {}
        built: list[Interview] = []
        for r in rows:
            application = applications.get(int(r.get("application_id") or 0))
            if application is None:
                log.warning("Greenhouse interview %s: its application is gone", r.get("id"))
                continue
            candidate = candidates.get(int(application.get("candidate_id") or 0), {})
            job = jobs.get(int(application.get("job_id") or 0), {})
            kind = kinds.get(int(r.get("job_interview_id") or 0), {})
            stage = stages.get(int(kind.get("job_stage_id") or 0), {})
            job_id = int(job.get("id") or 0)
            if job_id and job_id not in descriptions:
                posts = await self._list("job_posts", job_ids=job_id)
                live = [p for p in posts if p.get("live")] or posts
                descriptions[job_id] = http.plain(live[0].get("content")) if live else ""
            team = job.get("hiring_team") or {}

            def first(role: str, team: Mapping[str, Any] = team) -> AtsPerson | None:
                ids = team.get(role) or []
                return people.get(int(ids[0])) if ids else None

            interviewers = tuple(
                people[int(i["user_id"])]
                for i in r.get("interviewers") or []
                if i.get("user_id") is not None and int(i["user_id"]) in people
            )
            candidate_id = str(candidate.get("id") or application.get("candidate_id") or "")
            page = f"{APP_URL}/people/{candidate_id}?application_id={application['id']}"
            name = " ".join(
                p for p in (candidate.get("first_name"), candidate.get("last_name")) if p
            )
            resume = await self._list(
                "attachments", application_ids=application["id"], type="resume"
            )
            built.append(
                Interview(
                    source=self.name,
                    id=str(r["id"]),
                    # Greenhouse always sends these times; a row without them fails when stored, not here.
                    updated_at=http.parse_time(r.get("updated_at"))
                    or http.parse_time(r.get("created_at")),  # type: ignore[arg-type]
                    cancelled=str(r.get("status", "")).lower() in CANCELLED,
                    candidate_id=candidate_id,
                    candidate_name=name or "Unnamed candidate",
                    job_title=str(job.get("name") or "Untitled role"),
                    job_description=descriptions.get(job_id, ""),
                    stage=str(stage.get("name") or ""),
                    interview_name=str(kind.get("name") or ""),
                    starts_at=http.parse_time(r.get("starts_at")),  # type: ignore[arg-type]
                    ends_at=http.parse_time(r.get("ends_at")),  # type: ignore[arg-type]
                    location=str(r.get("location") or ""),
                    video_url=str(r.get("video_conferencing_url") or ""),
                    interviewers=interviewers,
                    organiser=people.get(int(r["organizer_id"])) if r.get("organizer_id") else None,
                    coordinator=first("coordinators"),
                    hiring_manager=first("hiring_managers"),
                    recruiter=first("recruiters"),
                    candidate_url=page,
                    scorecard_url=page,
                    has_resume=bool(resume),
                    refs={
                        "application_id": application["id"],
                        "interview_id": r["id"],
                        "scorecards_in_ats": True,
                    },
                )
            )
        return built

    # ------------------------------------------------------------------ the résumé
    async def resume(self, interview: Interview | None, refs: Mapping[str, Any]) -> ResumeFile:
        """Listed afresh for each download (the URL expires); an expired one once more."""
        for attempt in (1, 2):
            found = await self._list(
                "attachments", application_ids=refs["application_id"], type="resume"
            )
            if not found:
                raise AtsRejected("the candidate has no résumé in Greenhouse")
            latest = max(found, key=lambda a: a.get("created_at") or "")
            try:
                return await self._download(latest)
            except ResumeExpired:
                if attempt == 2:
                    raise AtsUnavailable("résumé links expire before they can be used") from None
        raise AssertionError("unreachable")

    async def _download(self, attachment: Mapping[str, Any]) -> ResumeFile:
        try:
            response = await self._http.get(str(attachment["url"]))
        except httpx.TransportError as exc:
            raise AtsUnavailable(f"résumé download: {type(exc).__name__}") from None
        if response.status_code in (401, 403, 404, 410):
            raise ResumeExpired("résumé link expired")
        http.check(response, "résumé download")
        content_type = response.headers.get("Content-Type", "application/octet-stream").split(";")[
            0
        ]
        return ResumeFile(
            str(attachment.get("filename") or "resume.pdf"), response.content, content_type
        )

    # ------------------------------------------------------------------ scorecards
    async def earlier_feedback(self, interview: Interview) -> list[EarlierFeedback]:
        cards = await self._list("scorecards", application_ids=interview.refs["application_id"])
        mine = str(interview.refs.get("interview_id"))
        people = await self._people([c.get("interviewer_id") for c in cards])
        found = []
        for card in cards:
            submitted = http.parse_time(card.get("submitted_at"))
            if (
                str(card.get("interview_id")) == mine
                or submitted is None
                or submitted >= interview.starts_at
            ):
                continue
            questions, notes = [], []
            for q in card.get("questions") or []:
                question, answer = str(q.get("question") or "").strip(), http.plain(q.get("answer"))
                if question:
                    questions.append(question)
                    if answer:
                        notes.append(f"{question} — {answer}")
            interviewer = (
                people.get(int(card["interviewer_id"])) if card.get("interviewer_id") else None
            )
            found.append(
                EarlierFeedback(
                    interviewer,
                    str(card.get("interview_name") or ""),
                    tuple(questions),
                    "\n".join(notes),
                    submitted,
                )
            )
        return found

    async def submit_feedback(self, refs: Mapping[str, Any], feedback: FeedbackToSubmit) -> str:
        raise AtsRejected("Greenhouse has no API to write a scorecard")

    async def scorecards(self, refs: Mapping[str, Any]) -> list[SubmittedScorecard]:
        cards = await self._list("scorecards", application_ids=refs["application_id"])
        mine = [
            c
            for c in cards
            if str(c.get("interview_id")) == str(refs.get("interview_id")) and c.get("submitted_at")
        ]
        people = await self._people([c.get("interviewer_id") for c in mine])
        out = []
        for card in mine:
            person = people.get(int(card["interviewer_id"])) if card.get("interviewer_id") else None
            if person is None or card.get("overall_recommendation") not in RECOMMENDATIONS:
                continue
            out.append(
                SubmittedScorecard(
                    interviewer_email=person.email,
                    recommendation=RECOMMENDATIONS[card["overall_recommendation"]],
                    submitted_at=http.parse_time(card.get("submitted_at")),
                    questions=tuple(
                        str(q.get("question"))
                        for q in card.get("questions") or []
                        if q.get("question")
                    ),
                )
            )
        return out


def _next_link(header: str) -> str | None:
    """The rel="next" URL of an RFC 5988 Link header, or None on the last page."""
    for part in header.split(","):
        match = re.match(r'\s*<([^>]+)>\s*;\s*rel="?next"?', part)
        if match:
            return match.group(1)
    return None


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
