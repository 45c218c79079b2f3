"""From ATS to panel and back: interviews become panels through the one change pipeline, the
résumé reaches each panelist's DM, earlier rounds become "covered already", feedback goes back.

Two ways in, one path: Ashby's webhooks queue an ``import`` task per delivery (the interview's
id and update time); ``sync`` (``hirebot ats sync`` and the tick in ``serve``) asks the ATS what
changed since its cursor. Either way ``apply`` compares the ATS's update time with the one
stored on the link, so a duplicate or an out-of-order delivery changes nothing twice.

The ATS's work and the résumé files go through ``ats_tasks``, a durable queue retried like the
outbox: a 429 waits for Retry-After, 5xx and timeouts back off with jitter, and after
``HIREBOT_DISPATCH_MAX_ATTEMPTS`` a task is marked failed and the coordinator told.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.ats.connector import (
    AtsConnector,
    AtsError,
    AtsPerson,
    AtsRejected,
    AtsUnavailable,
    FeedbackToSubmit,
    Interview,
    in_panel_stages,
)
from bot.ats.notices import AtsNote
from bot.ats.people import PeopleByEmail, choose, match
from bot.ats.store import AtsLink, AtsResume, AtsState, AtsTask, LinkStatus, TaskKind, TaskStatus
from bot.changes.actions import Action
from bot.changes.announce import Moment
from bot.changes.pipeline import AlreadyApplied, ChangePipeline
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.db import Database
from bot.delivery import Delivery, DeliveryError, FileToShare, PlatformUnavailable, RateLimited
from bot.followup.forms import FeedbackInput
from bot.models import Feedback, FocusArea, Panel, PanelFormat, Perspective
from bot.panels import bounds
from bot.panels.request import MAX_PANELISTS, Assignment, PanelBasics, Slot
from bot.panels.service import NotAllowed, PanelClosed, PanelService, SlotUnchanged
from bot.people import Directory, Person
from bot.platform import ChatPlatform
from bot.workspaces import platform_of, workspace_of
from scheduling.dispatcher import BACKOFF_CAP, BACKOFF_FACTOR, backoff_delay

log = logging.getLogger(__name__)

#: Focus areas handed out in this order to panelists who arrive from the ATS (which has no
#: such notion): the three the composition check wants covered come first.
DEFAULT_FOCUS = (
    FocusArea.TECHNICAL_DEPTH,
    FocusArea.STAKEHOLDER_ALIGNMENT,
    FocusArea.CULTURE_VALUES,
    FocusArea.LEADERSHIP,
    FocusArea.CASE_REVIEW,
)
#: A sync asks for changes a little before its cursor: clocks and commit order differ.
SYNC_OVERLAP = timedelta(minutes=1)
#: On the first sync, changes this far back are read (older interviews are long past).
FIRST_SYNC = timedelta(days=14)
TASK_LEASE = timedelta(minutes=2)
#: Tasks done or skipped are kept this long (to read what happened), then dropped by the sync;
#: failed ones stay until someone looks.
KEEP_DONE = timedelta(days=30)
TASK_BATCH = 50
SCORE_TO_RATING = {"strong_no": 1, "no": 2, "yes": 3, "strong_yes": 4}


class Followup(Protocol):
    async def submit_feedback(
        self, user_id: str, panel_id: int, data: FeedbackInput, *, submission: str | None = None
    ) -> tuple[Panel, bool]: ...


class Replacer(Protocol):
    async def replace(
        self,
        actor_id: str,
        panel_id: int,
        old_id: str,
        new_id: str,
        *,
        submission: str | None = None,
    ) -> Panel: ...


@dataclass
class SyncReport:
    """What one sync or task run did (``hirebot ats sync`` prints it)."""

    seen: int = 0
    created: int = 0
    moved: int = 0
    cancelled: int = 0
    unchanged: int = 0
    ignored: int = 0
    tasks_done: int = 0
    tasks_retry: int = 0
    tasks_failed: int = 0
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        line = (
            f"{self.seen} interview(s) seen: {self.created} new panel(s), {self.moved} moved,"
            f" {self.cancelled} cancelled, {self.unchanged} unchanged, {self.ignored} not panels;"
            f" tasks: {self.tasks_done} done, {self.tasks_retry} to retry, {self.tasks_failed} failed"
        )
        return line + (f"; problems: {'; '.join(self.problems[:3])}" if self.problems else "")


class AtsService:
    def __init__(
        self,
        *,
        connector: AtsConnector,
        db: Database,
        clock: Clock,
        settings: Settings,
        panels: PanelService,
        pipeline: ChangePipeline,
        prep: Replacer,
        followup: Followup,
        people: Sequence[PeopleByEmail],
        directory: Directory,
        platform: ChatPlatform,
        wall: Clock | None = None,
    ) -> None:
        self.connector = connector
        self.db = db
        self.clock = clock
        self.settings = settings
        self.panels = panels
        self.pipeline = pipeline
        self.prep = prep
        self.followup = followup
        #: Where the ATS's people are looked up, one workspace per platform, Slack's first.
        self.people = tuple(people)
        if not self.people:
            raise ValueError("the ATS needs a chat platform to find its people in")
        self.directory = directory
        self.platform = platform
        self.wall = wall or SystemClock()
        self._runs: set[asyncio.Task[Any]] = set()
        self._running = asyncio.Lock()
        self._applying = asyncio.Lock()  # one interview applied at a time in this process
        pipeline.observe(self.observe, after_commit=lambda _panel_id: self.kick())

    @property
    def label(self) -> str:
        return self.connector.label

    # ------------------------------------------------------------------ ways in
    async def queue_import(
        self, interview_id: str, updated_at: datetime, refs: Mapping[str, Any]
    ) -> bool:
        """A webhook's news: fetch and apply this interview (once per update time). Returns
        False when this update was queued or applied before (a duplicate delivery)."""
        now = self.clock.now()
        async with self.db.session() as session:
            link = await _link(session, self.connector.name, interview_id)
            if link is not None and link.ats_updated_at >= updated_at:
                return False
            key = f"import:{self.connector.name}:{interview_id}:{updated_at.isoformat()}"
            return await _enqueue(
                session,
                TaskKind.IMPORT,
                key,
                {"id": interview_id, "updated_at": updated_at.isoformat(), "refs": dict(refs)},
                now,
            )

    async def sync(self) -> SyncReport:
        """Ask the ATS what changed since the last sync and apply it; then what it deleted
        (cancelled), the scorecards written there, and the task queue."""
        report = SyncReport()
        now = self.clock.now()
        key = f"sync:{self.connector.name}"
        async with self.db.session() as session:
            state = await session.get(AtsState, key)
            since = (
                datetime.fromisoformat(state.value) - SYNC_OVERLAP if state else now - FIRST_SYNC
            )
        try:
            interviews = await self.connector.changed_since(since)
        except AtsError as exc:
            report.problems.append(str(exc))
            log.warning("ATS sync could not list changes: %s", exc)
            interviews = []
        seen_up_to: datetime | None = None
        for interview in interviews:
            report.seen += 1
            try:
                outcome = await self.apply(interview)
            except (AtsUnavailable, PlatformUnavailable, RateLimited) as exc:
                report.problems.append(str(exc))
                log.warning("ATS sync stopped at %s (tried again next time): %s", interview.id, exc)
                break  # the cursor stays before this interview: nothing is skipped
            except DeliveryError as exc:  # chat refused a lookup (a permission not granted)
                report.problems.append(str(exc))
                log.error("ATS sync stopped at %s: chat refused: %s", interview.id, exc)
                break  # the same: once it is fixed, the next sync starts here
            except AtsError as exc:
                report.problems.append(f"{interview.id}: {exc}")
                log.warning("interview %s could not be applied: %s", interview.id, exc)
                outcome = "unchanged"
            _count(report, outcome)
            seen_up_to = max(seen_up_to or interview.updated_at, interview.updated_at)
        if seen_up_to is not None:
            await self._advance(key, seen_up_to, now)
        try:
            report.cancelled += await self._deleted_in_ats()
            if not self.connector.writes_feedback:
                await self._scorecards()
        except AtsError as exc:
            report.problems.append(str(exc))
        async with self.db.session() as session:
            await session.execute(
                delete(AtsTask).where(
                    AtsTask.status.in_([TaskStatus.DONE, TaskStatus.SKIPPED]),
                    AtsTask.updated_at < now - KEEP_DONE,
                )
            )
        tasks = await self.run_tasks()
        report.tasks_done, report.tasks_retry, report.tasks_failed = (
            tasks.tasks_done,
            tasks.tasks_retry,
            tasks.tasks_failed,
        )
        report.problems += tasks.problems
        return report

    async def _advance(self, key: str, seen_up_to: datetime, now: datetime) -> None:
        """Move the sync's cursor forward (never back: two syncs may finish in any order)."""
        async with self.db.session() as session:
            state = await session.get(AtsState, key, with_for_update=True)
            if state is None:
                try:
                    async with session.begin_nested():
                        session.add(AtsState(key=key, value=seen_up_to.isoformat(), updated_at=now))
                    return
                except IntegrityError:  # another sync created it meanwhile
                    state = await session.get(
                        AtsState, key, with_for_update=True, populate_existing=True
                    )
            if state is not None and datetime.fromisoformat(state.value) < seen_up_to:
                state.value, state.updated_at = seen_up_to.isoformat(), now

    # ------------------------------------------------------------------ one interview
    async def apply(self, interview: Interview) -> str:
        """Create, move or cancel the interview's panel; returns what happened.

        One at a time in a process (a webhook's import and a sync may meet on the same
        interview); across processes, the link's unique key and the check in ``_create``'s
        transaction keep one panel per interview."""
        async with self._applying:
            return await self._apply(interview)

    async def _apply(self, interview: Interview) -> str:
        async with self.db.session() as session:
            link = await _link(session, interview.source, interview.id)
        if link is not None and link.ats_updated_at >= interview.updated_at:
            return "unchanged"  # a duplicate, or older than what was applied
        if interview.cancelled:
            if link is None and not in_panel_stages(interview, self.settings.ats_panel_stages):
                return "ignored"  # not a panel, never was one: nothing to remember
            return await self._cancelled(interview, link)
        if link is None or link.status != LinkStatus.PANEL or link.panel_id is None:
            if not in_panel_stages(interview, self.settings.ats_panel_stages):
                return "ignored"
            if interview.starts_at <= self.clock.now():
                return "ignored"  # already happened: nothing to prepare
            return await self._create(interview, link)
        return await self._update(interview, link)

    async def _cancelled(self, interview: Interview, link: AtsLink | None) -> str:
        now = self.clock.now()
        if link is not None and link.panel_id is not None and link.status == LinkStatus.PANEL:
            panel = await self.panels.get(link.panel_id)
            if not panel.is_cancelled:
                with contextlib.suppress(PanelClosed, AlreadyApplied):
                    await self.panels.cancel(
                        panel.coordinator_id,
                        panel.id,
                        f"Cancelled in {self.label}.",
                        via=self.label,
                        submission=_update_key(interview),
                    )
        async with self.db.session() as session:
            row = await _link(session, interview.source, interview.id)
            if row is None:
                # Cancelled before HireBot saw it scheduled: remembered, so that a late
                # "created" delivery (older) stays out.
                session.add(_new_link(interview, None, LinkStatus.CANCELLED, now))
            else:
                row.status, row.ats_updated_at, row.updated_at = (
                    LinkStatus.CANCELLED,
                    interview.updated_at,
                    now,
                )
        return "cancelled"

    async def _place_of(self, panel: Panel) -> PeopleByEmail | None:
        """Where a panel's people are looked up: its own workspace's platform (None when that
        platform is no longer configured: then nobody new is matched for it)."""
        platform = await platform_of(self.db, panel.workspace_id)
        return next((p for p in self.people if p.platform == platform), None)

    async def _create(self, interview: Interview, link: AtsLink | None) -> str:
        now = self.clock.now()
        owners = [
            interview.coordinator,
            interview.organiser,
            interview.recruiter,
            interview.hiring_manager,
        ]
        everyone = [*interview.interviewers, *(p for p in owners if p)]
        where = await choose(self.people, [interview.coordinator, interview.organiser], everyone)
        found = await match(where, everyone)
        matched, missing = found.users, found.missing
        earlier = await self.connector.earlier_feedback(interview)
        earlier_people = (
            await match(where, [f.interviewer for f in earlier if f.interviewer])
        ).users

        def user(p: AtsPerson | None) -> str | None:
            return matched.get(p.email) if p else None

        coordinator = next((u for u in map(user, owners) if u), None)
        panelists = list(dict.fromkeys(u for u in map(user, interview.interviewers) if u))
        lines: list[str] = []
        if len(panelists) > MAX_PANELISTS:
            lines.append(
                f"{self.label} named {len(panelists)} interviewers; a panel seats {MAX_PANELISTS}: the first {MAX_PANELISTS} were seated."
            )
            panelists = panelists[:MAX_PANELISTS]
        unmatched = tuple(_named(p, _role_of(p, interview)) for p in missing)
        if coordinator is None or not panelists:
            await self._unmatched(interview, link, unmatched, coordinator, now)
            return "ignored"
        if interview.hiring_manager is None or user(interview.hiring_manager) is None:
            lines.append(
                "No hiring manager could be matched: you stand in for them until someone is set."
            )
        if interview.recruiter is None or user(interview.recruiter) is None:
            lines.append("No recruiter could be matched: you stand in for them.")
        zone = interview.timezone or (await self.directory.person(coordinator)).tz or "UTC"
        minutes = round((interview.ends_at - interview.starts_at).total_seconds() / 60)
        prior_notes = "\n\n".join(
            f"{f.interviewer.name or f.interviewer.email if f.interviewer else 'Interviewer'}"
            f"{f' ({f.interview_name})' if f.interview_name else ''}: {f.notes}"
            for f in earlier
            if f.notes.strip()
        )
        questions = tuple(dict.fromkeys(q for f in earlier for q in f.questions))[:50]
        basics = PanelBasics(
            candidate_name=_bounded(interview.candidate_name, bounds.CANDIDATE) or "Candidate",
            role_title=_bounded(interview.job_title, bounds.ROLE_TITLE) or "Role",
            responsibilities=_bounded(interview.job_description, bounds.RESPONSIBILITIES)
            or f"See the job in {self.label}.",
            round_number=2,
            slot=Slot(interview.starts_at, max(15, min(480, minutes)), zone),
            format=PanelFormat.CONVERSATION,
            location=_bounded(_where(interview), bounds.LOCATION) or "See the calendar invite",
            panelist_ids=tuple(panelists),
            hiring_manager_id=user(interview.hiring_manager) or coordinator,
            recruiter_id=user(interview.recruiter) or coordinator,
            resume_url=interview.candidate_url[: bounds.RESUME_URL.max_length] or None,
            prior_notes=_bounded(prior_notes, bounds.PRIOR_NOTES),
            prior_questions=tuple(q[: bounds.QUESTION.max_length] for q in questions),
            prior_interviewer_ids=tuple(dict.fromkeys(earlier_people.values())),
        )
        seats = tuple(
            Assignment(u, DEFAULT_FOCUS[i % len(DEFAULT_FOCUS)], Perspective.PEER)
            for i, u in enumerate(panelists)
        )
        people = {email: uid for email, uid in matched.items()}

        async def stored(session: AsyncSession, panel: Panel) -> None:
            row = await _link(session, interview.source, interview.id)
            if row is not None and row.status == LinkStatus.PANEL and row.panel_id is not None:
                raise _Linked()  # another process made its panel meanwhile: roll this back
            if row is None:
                row = _new_link(interview, panel.id, LinkStatus.PANEL, now)
                session.add(row)
            _refresh(row, interview, now, panel_id=panel.id, people=people, unmatched=unmatched)
            row.status = LinkStatus.PANEL
            if unmatched or lines:
                await _enqueue(
                    session,
                    TaskKind.NOTE,
                    f"note:{interview.source}:{interview.id}:{interview.updated_at.isoformat()}",
                    {
                        "panel_id": panel.id,
                        "to": coordinator,
                        "headline": f"{panel.reference} arrived from {self.label}"
                        + (": some people couldn't be found in chat" if unmatched else ""),
                        "people": list(unmatched),
                        "lines": lines
                        + (
                            ["They were left out; the panel was created for everyone else."]
                            if unmatched
                            else []
                        ),
                        "candidate": interview.candidate_name,
                        "link": interview.candidate_url,
                    },
                    now,
                    panel_id=panel.id,
                )

        workspace_id = await workspace_of(self.db, where.platform, where.workspace, now)
        try:
            await self.panels.schedule(
                coordinator,
                basics,
                seats,
                candidate_id=await self._earlier_candidate(interview),
                workspace_id=workspace_id,
                submission=_update_key(interview),
                via=self.label,
                on_stored=stored,
            )
        except (AlreadyApplied, _Linked):
            return "unchanged"
        except IntegrityError:
            return "unchanged"  # another process linked it meanwhile
        return "created"

    async def _earlier_candidate(self, interview: Interview) -> int | None:
        """The HireBot candidate of an earlier panel for the same ATS candidate (round 3
        after round 2), so earlier rounds' questions carry over."""
        async with self.db.session() as session:
            panel_id = await session.scalar(
                select(AtsLink.panel_id)
                .where(
                    AtsLink.source == interview.source,
                    AtsLink.candidate_external_id == interview.candidate_id,
                    AtsLink.panel_id.is_not(None),
                )
                .order_by(AtsLink.id.desc())
                .limit(1)
            )
            if panel_id is None:
                return None
            return await session.scalar(select(Panel.candidate_id).where(Panel.id == panel_id))

    async def _unmatched(
        self,
        interview: Interview,
        link: AtsLink | None,
        unmatched: tuple[str, ...],
        coordinator: str | None,
        now: datetime,
    ) -> None:
        log.warning(
            "%s interview %s not made a panel: %s",
            self.label,
            interview.id,
            "no interviewer could be matched in chat"
            if coordinator
            else "nobody to coordinate it could be matched in chat",
        )
        async with self.db.session() as session:
            row = await _link(session, interview.source, interview.id)
            if row is None:
                row = _new_link(interview, None, LinkStatus.UNMATCHED, now)
                session.add(row)
            _refresh(row, interview, now, panel_id=row.panel_id, people={}, unmatched=unmatched)
            row.status = LinkStatus.UNMATCHED
            if coordinator:
                await _enqueue(
                    session,
                    TaskKind.NOTE,
                    f"note:{interview.source}:{interview.id}:{interview.updated_at.isoformat()}",
                    {
                        "to": coordinator,
                        "headline": f"A {self.label} panel couldn't be set up: none of its interviewers were found in chat",
                        "people": list(unmatched),
                        "lines": [
                            "Check their emails in chat and in the ATS; the next change to the interview tries again."
                        ],
                        "candidate": interview.candidate_name,
                        "link": interview.candidate_url,
                    },
                    now,
                )

    async def _update(self, interview: Interview, link: AtsLink) -> str:
        assert link.panel_id is not None
        panel = await self.panels.get(link.panel_id)
        outcome = "unchanged"
        lines: list[str] = []
        if not panel.is_cancelled:
            minutes = max(
                15, min(480, round((interview.ends_at - interview.starts_at).total_seconds() / 60))
            )
            if (panel.starts_at, panel.duration_minutes) != (interview.starts_at, minutes):
                try:
                    await self.panels.reschedule(
                        panel.coordinator_id,
                        panel.id,
                        Slot(interview.starts_at, minutes, interview.timezone or panel.timezone),
                        via=self.label,
                        submission=_update_key(interview),
                    )
                    outcome = "moved"
                except (SlotUnchanged, AlreadyApplied):
                    pass
                except PanelClosed as exc:
                    lines.append(f"{self.label} moved the interview, but {exc}")
        where = await self._place_of(panel)
        if not panel.is_cancelled and where is not None:
            lines += await self._roster(interview, panel, where)
        now = self.clock.now()
        owners = [
            interview.coordinator,
            interview.organiser,
            interview.recruiter,
            interview.hiring_manager,
        ]
        named = [*interview.interviewers, *(p for p in owners if p)]
        found = await match(where, named) if where is not None else None
        async with self.db.session() as session:
            row = await _link(session, interview.source, interview.id)
            assert row is not None
            people = {**(row.people or {}), **(found.users if found else {})}
            _refresh(
                row,
                interview,
                now,
                panel_id=row.panel_id,
                people=people,
                unmatched=tuple(_named(p, _role_of(p, interview)) for p in found.missing)
                if found
                else row.unmatched,
            )
            if lines:
                await _enqueue(
                    session,
                    TaskKind.NOTE,
                    f"note:{interview.source}:{interview.id}:{interview.updated_at.isoformat()}",
                    {
                        "panel_id": panel.id,
                        "to": panel.coordinator_id,
                        "headline": f"{panel.reference} changed in {self.label}: one thing needs you",
                        "people": [],
                        "lines": lines,
                        "candidate": interview.candidate_name,
                        "link": interview.candidate_url,
                    },
                    now,
                    panel_id=panel.id,
                )
        return outcome

    async def _roster(self, interview: Interview, panel: Panel, where: PeopleByEmail) -> list[str]:
        """Interviewers swapped in the ATS are swapped on the panel (the newcomer takes the
        seat); additions or removals without a counterpart are left to the coordinator. Only
        people of the panel's own workspace can take a seat."""
        matched = (await match(where, interview.interviewers)).users
        wanted = [matched[p.email] for p in interview.interviewers if p.email in matched]
        seated = [p.user_id for p in panel.panelists]
        leaving = [u for u in seated if u not in wanted]
        coming = [u for u in wanted if u not in seated]
        lines: list[str] = []
        for old, new in zip(leaving, coming, strict=False):
            try:
                await self.prep.replace(panel.coordinator_id, panel.id, old, new)
            except (PanelClosed, NotAllowed, ValueError) as exc:
                lines.append(f"{self.label} swapped an interviewer, but HireBot could not: {exc}")
        if len(coming) > len(leaving):
            lines.append(
                f"{self.label} added interviewer(s) without removing anyone: "
                + ", ".join(f"<@{u}>" for u in coming[len(leaving) :])
                + ". A panel here changes by replacing someone."
            )
        if len(leaving) > len(coming):
            lines.append(
                f"{self.label} removed interviewer(s): "
                + ", ".join(f"<@{u}>" for u in leaving[len(coming) :])
                + ". Excuse them here if they won't attend."
            )
        return lines

    async def _deleted_in_ats(self) -> int:
        """Interviews the ATS deleted (Greenhouse deletes a cancelled interview) cancel their
        upcoming panels."""
        async with self.db.session() as session:
            rows = list(
                await session.execute(
                    select(AtsLink.external_id, AtsLink.ats_updated_at)
                    .join(Panel, Panel.id == AtsLink.panel_id)
                    .where(
                        AtsLink.source == self.connector.name,
                        AtsLink.status == LinkStatus.PANEL,
                        Panel.starts_at > self.clock.now(),
                    )
                )
            )
        ids = [r.external_id for r in rows]
        present: set[str] = set()
        for start in range(0, len(ids), 50):
            present |= await self.connector.existing(ids[start : start + 50])
        cancelled = 0
        for row in rows:
            if row.external_id not in present:
                gone = _gone(self.connector.name, row.external_id, row.ats_updated_at)
                async with self.db.session() as session:
                    link = await _link(session, self.connector.name, row.external_id)
                if link is not None:
                    await self._cancelled(gone, link)
                    cancelled += 1
        return cancelled

    async def _scorecards(self) -> None:
        """Where HireBot cannot write feedback into the ATS, a scorecard written there counts
        as the panelist's feedback here: reminders stop, the decision can follow."""
        now = self.clock.now()
        async with self.db.session() as session:
            rows = list(
                await session.execute(
                    select(AtsLink.panel_id, AtsLink.refs, AtsLink.people)
                    .join(Panel, Panel.id == AtsLink.panel_id)
                    .where(
                        AtsLink.source == self.connector.name,
                        AtsLink.status == LinkStatus.PANEL,
                        Panel.starts_at <= now,
                        Panel.starts_at > now - timedelta(days=30),
                    )
                )
            )
            given = {
                (f.panel_id, f.author_id)
                for f in await session.scalars(
                    select(Feedback).where(Feedback.panel_id.in_([r.panel_id for r in rows]))
                )
            }
        for row in rows:
            for card in await self.connector.scorecards(row.refs):
                user_id = (row.people or {}).get(card.interviewer_email)
                if not user_id or (row.panel_id, user_id) in given:
                    continue
                data = FeedbackInput(
                    recommendation=card.recommendation,
                    rating=SCORE_TO_RATING.get(card.recommendation, 3),
                    evidence=f"Scorecard submitted in {self.label}.",
                    concerns="",
                    questions_asked=card.questions,
                )
                try:
                    await self.followup.submit_feedback(
                        user_id,
                        row.panel_id,
                        data,
                        submission=f"scorecard:{row.panel_id}:{user_id}",
                    )
                except (NotAllowed, PanelClosed, AlreadyApplied, ValueError) as exc:
                    log.info("scorecard for P-%s not recorded: %s", row.panel_id, exc)

    # ------------------------------------------------------------------ the pipeline's side
    async def observe(self, moment: Moment) -> None:
        """In the change's own transaction: the work a change to an ATS panel owes the ATS or
        the panelists' DMs (résumés in and out, feedback back)."""
        session, panel, change = moment.session, moment.panel, moment.change
        link = await session.scalar(select(AtsLink).where(AtsLink.panel_id == panel.id))
        if link is None or link.source != self.connector.name:
            return
        now, event = moment.now, moment.event_id
        action = change.action
        if (
            action == Action.SCHEDULED
            and link.refs.get("resume", True)
            and link.refs.get("has_resume")
        ):
            for p in panel.panelists:
                await _resume_task(session, TaskKind.RESUME, panel.id, p.user_id, event, now)
        elif action == Action.PANELIST_REPLACED:
            if link.refs.get("has_resume"):
                await _resume_task(
                    session, TaskKind.RESUME, panel.id, change.detail["to"], event, now
                )
            await _resume_task(
                session, TaskKind.RESUME_REMOVE, panel.id, change.detail["from"], event, now
            )
        elif action == Action.CANCELLED:
            shared = await session.scalars(
                select(AtsResume.user_id).where(
                    AtsResume.panel_id == panel.id, AtsResume.deleted_at.is_(None)
                )
            )
            for user_id in shared:
                await _resume_task(session, TaskKind.RESUME_REMOVE, panel.id, user_id, event, now)
        elif (
            action in (Action.FEEDBACK_SUBMITTED, Action.FEEDBACK_EDITED)
            and self.connector.writes_feedback
        ):
            await _enqueue(
                session,
                TaskKind.FEEDBACK,
                f"feedback:{panel.id}:{change.actor_id}:{event}",
                {"panel_id": panel.id, "author": change.actor_id},
                now,
                panel_id=panel.id,
            )

    def kick(self) -> None:
        """Run the due tasks soon, in the background (after a change, after a webhook)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        task = loop.create_task(self.run_tasks())
        self._runs.add(task)
        task.add_done_callback(self._runs.discard)

    async def drain(self) -> None:
        """Wait for the background runs (tests, the demo, a clean stop)."""
        while self._runs:
            await asyncio.gather(*self._runs, return_exceptions=True)

    # ------------------------------------------------------------------ the task queue
    async def run_tasks(self, as_of: datetime | None = None) -> SyncReport:
        """Do every task due as of ``as_of`` (default now), once each, one at a time."""
        report = SyncReport()
        async with self._running:
            while True:
                claimed = await self._claim(as_of or self.clock.now())
                if not claimed:
                    return report
                for task in claimed:
                    await self._do(task, report)

    async def _claim(self, as_of: datetime) -> list[AtsTask]:
        wall = self.wall.now()
        async with self.db.session() as session:
            due = list(
                await session.scalars(
                    select(AtsTask)
                    .where(
                        AtsTask.status == TaskStatus.PENDING,
                        AtsTask.due_at <= as_of,
                        or_(AtsTask.lease_until.is_(None), AtsTask.lease_until < wall),
                    )
                    .order_by(AtsTask.due_at, AtsTask.id)
                    .limit(TASK_BATCH)
                )
            )
            mine = []
            for task in due:
                taken = await session.execute(
                    update(AtsTask)
                    .where(
                        AtsTask.id == task.id,
                        AtsTask.status == TaskStatus.PENDING,
                        or_(AtsTask.lease_until.is_(None), AtsTask.lease_until < wall),
                    )
                    .values(lease_until=wall + TASK_LEASE)
                )
                # An UPDATE's result has rowcount; SQLAlchemy types execute() as the generic Result.
                if taken.rowcount == 1:  # type: ignore[attr-defined]
                    mine.append(task)
            return mine

    async def _do(self, task: AtsTask, report: SyncReport) -> None:
        handler = {
            TaskKind.IMPORT: self._task_import,
            TaskKind.RESUME: self._task_resume,
            TaskKind.RESUME_REMOVE: self._task_resume_remove,
            TaskKind.FEEDBACK: self._task_feedback,
            TaskKind.NOTE: self._task_note,
        }[TaskKind(task.kind)]
        try:
            skipped = await handler(task.payload)
        except (AtsUnavailable, PlatformUnavailable, RateLimited) as exc:
            wait = getattr(exc, "retry_after", None)
            await self._retry_or_fail(task, str(exc), wait, report)
            return
        except (AtsRejected, DeliveryError) as exc:
            await self._fail(task, str(exc), report)
            return
        except Exception as exc:  # a bug: retried like an outage, then given up loudly
            log.exception("ATS task %s (%s) failed", task.id, task.kind)
            await self._retry_or_fail(task, f"{type(exc).__name__}: {exc}", None, report)
            return
        await self._settle(
            task, TaskStatus.SKIPPED if skipped else TaskStatus.DONE, skipped or None
        )
        report.tasks_done += 1

    async def _settle(
        self,
        task: AtsTask,
        status: str,
        error: str | None,
        *,
        due_at: datetime | None = None,
        attempt: bool = False,
    ) -> None:
        async with self.db.session() as session:
            values: dict[str, Any] = {
                "status": status,
                "last_error": error,
                "lease_until": None,
                "updated_at": self.clock.now(),
            }
            if due_at is not None:
                values["due_at"] = due_at
            if attempt:
                values["attempts"] = AtsTask.attempts + 1
            await session.execute(update(AtsTask).where(AtsTask.id == task.id).values(**values))

    async def _retry_or_fail(
        self, task: AtsTask, error: str, retry_after: float | None, report: SyncReport
    ) -> None:
        now = self.clock.now()
        if retry_after is not None:  # 429: wait as asked, no attempt spent
            await self._settle(
                task, TaskStatus.PENDING, error, due_at=now + timedelta(seconds=retry_after)
            )
            report.tasks_retry += 1
            return
        if task.attempts + 1 >= self.settings.dispatch_max_attempts:
            await self._fail(task, error, report, attempt=True)
            return
        delay = backoff_delay(task.attempts + 1, BACKOFF_FACTOR, BACKOFF_CAP)
        await self._settle(task, TaskStatus.PENDING, error, due_at=now + delay, attempt=True)
        report.tasks_retry += 1
        log.info("ATS task %s (%s) put off: %s", task.id, task.kind, error)

    async def _fail(
        self, task: AtsTask, error: str, report: SyncReport, *, attempt: bool = False
    ) -> None:
        log.error("giving up on ATS task %s (%s): %s", task.id, task.kind, error)
        await self._settle(task, TaskStatus.FAILED, error, attempt=attempt)
        report.tasks_failed += 1
        report.problems.append(error)
        panel_id = task.payload.get("panel_id")
        if task.kind in (TaskKind.FEEDBACK, TaskKind.RESUME) and panel_id:
            panel = await self.panels.get(int(panel_id))
            what = {
                TaskKind.FEEDBACK: f"<@{task.payload.get('author')}>'s feedback could not be written to {self.label}: copy it there from `/panel status {panel.reference}`.",
                TaskKind.RESUME: f"The résumé could not be shared with <@{task.payload.get('user_id')}>: send it to them from {self.label}.",
            }[TaskKind(task.kind)]
            async with self.db.session() as session:
                await _enqueue(
                    session,
                    TaskKind.NOTE,
                    f"note:failed:{task.id}",
                    {
                        "panel_id": panel.id,
                        "to": panel.coordinator_id,
                        "headline": f"Something for {panel.reference} didn't reach {self.label}",
                        "people": [],
                        "lines": [what, f"Reason: {error[:300]}"],
                        "candidate": panel.candidate.name,
                    },
                    self.clock.now(),
                    panel_id=panel.id,
                )

    # ------------------------------------------------------------------ task kinds
    async def _task_import(self, payload: Mapping[str, Any]) -> str | None:
        async with self.db.session() as session:
            link = await _link(session, self.connector.name, payload["id"])
            refs = {**(link.refs if link else {}), **payload.get("refs", {})}
        interview = await self.connector.interview(payload["id"], refs)
        if interview is None:
            if link is None:
                return "not in the ATS any more"
            interview = _gone(
                self.connector.name, payload["id"], datetime.fromisoformat(payload["updated_at"])
            )
        outcome = await self.apply(interview)
        return None if outcome in ("created", "moved", "cancelled") else outcome

    async def _task_resume(self, payload: Mapping[str, Any]) -> str | None:
        panel_id, user_id = int(payload["panel_id"]), str(payload["user_id"])
        async with self.db.session() as session:
            panel = await session.get(Panel, panel_id)
            link = await session.scalar(select(AtsLink).where(AtsLink.panel_id == panel_id))
            shared = await session.scalar(
                select(AtsResume).where(
                    AtsResume.panel_id == panel_id, AtsResume.user_id == user_id
                )
            )
        if panel is None or link is None or panel.is_cancelled:
            return "the panel was cancelled"
        if all(p.user_id != user_id for p in panel.panelists):
            return "no longer on the panel"
        if shared is not None and shared.deleted_at is None:
            return "already shared"
        resume = await self.connector.resume(None, link.refs)
        person = Person(id=user_id, name=user_id)
        delivery = await self.platform.send_file(
            person,
            FileToShare(
                name=resume.name,
                content=resume.content,
                title=f"Résumé: {panel.candidate.name} ({panel.reference})",
                comment=(
                    f"The résumé of {panel.candidate.name} for {panel.reference}, from"
                    f" {self.label}. It is yours to read for this panel only: it is removed if"
                    " you leave the panel or it is cancelled."
                ),
            ),
        )
        now = self.clock.now()
        async with self.db.session() as session:
            row = await session.scalar(
                select(AtsResume).where(
                    AtsResume.panel_id == panel_id, AtsResume.user_id == user_id
                )
            )
            if row is None:
                session.add(
                    AtsResume(
                        panel_id=panel_id,
                        user_id=user_id,
                        channel=delivery.channel,
                        file_id=delivery.message_id,
                        delivered_at=now,
                    )
                )
            else:
                row.channel, row.file_id, row.delivered_at, row.deleted_at = (
                    delivery.channel,
                    delivery.message_id,
                    now,
                    None,
                )
        return None

    async def _task_resume_remove(self, payload: Mapping[str, Any]) -> str | None:
        panel_id, user_id = int(payload["panel_id"]), str(payload["user_id"])
        async with self.db.session() as session:
            panel = await session.get(Panel, panel_id)
            row = await session.scalar(
                select(AtsResume).where(
                    AtsResume.panel_id == panel_id,
                    AtsResume.user_id == user_id,
                    AtsResume.deleted_at.is_(None),
                )
            )
        if row is None:
            return "nothing shared"
        if (
            panel is not None
            and not panel.is_cancelled
            and any(p.user_id == user_id for p in panel.panelists)
        ):
            return "back on the panel"
        await self.platform.delete_file(Delivery(row.channel, row.file_id))
        async with self.db.session() as session:
            await session.execute(
                update(AtsResume).where(AtsResume.id == row.id).values(deleted_at=self.clock.now())
            )
        return None

    async def _task_feedback(self, payload: Mapping[str, Any]) -> str | None:
        panel_id, author = int(payload["panel_id"]), str(payload["author"])
        async with self.db.session() as session:
            link = await session.scalar(select(AtsLink).where(AtsLink.panel_id == panel_id))
            feedback = await session.scalar(
                select(Feedback).where(Feedback.panel_id == panel_id, Feedback.author_id == author)
            )
        if link is None or feedback is None:
            return "no feedback to write"
        email = next((e for e, u in (link.people or {}).items() if u == author), None)
        if email is None:
            raise AtsRejected(f"no {self.label} interviewer matches <@{author}>")
        await self.connector.submit_feedback(
            link.refs,
            FeedbackToSubmit(
                interviewer_email=email,
                recommendation=feedback.recommendation,
                rating=feedback.rating,
                evidence=feedback.evidence,
                concerns=feedback.concerns,
                questions_asked=tuple(feedback.questions_asked or ()),
            ),
        )
        return None

    async def _task_note(self, payload: Mapping[str, Any]) -> str | None:
        reference = f"P-{payload['panel_id']}" if payload.get("panel_id") else ""
        note = AtsNote(
            reference=reference,
            source=self.label,
            candidate_name=str(payload.get("candidate", "")),
            headline=str(payload.get("headline", "")),
            people=tuple(payload.get("people") or ()),
            lines=tuple(payload.get("lines") or ()),
            link=str(payload.get("link") or ""),
        )
        reader = (await self.directory.people([payload["to"]], within=1.0))[payload["to"]]
        await self.platform.send_direct(reader, note)
        return None

    # ------------------------------------------------------------------ reading
    async def link_of(self, panel_id: int) -> AtsLink | None:
        async with self.db.session() as session:
            return await session.scalar(select(AtsLink).where(AtsLink.panel_id == panel_id))


# --- helpers ---------------------------------------------------------------------------------


class _Linked(Exception):
    """The interview got its panel in another transaction first."""


async def _link(session: AsyncSession, source: str, external_id: str) -> AtsLink | None:
    return await session.scalar(
        select(AtsLink).where(AtsLink.source == source, AtsLink.external_id == external_id)
    )


def _new_link(interview: Interview, panel_id: int | None, status: str, now: datetime) -> AtsLink:
    return AtsLink(
        source=interview.source,
        external_id=interview.id,
        panel_id=panel_id,
        candidate_external_id=interview.candidate_id,
        ats_updated_at=interview.updated_at,
        status=status,
        refs={},
        people={},
        unmatched=[],
        candidate_url=interview.candidate_url[:500],
        scorecard_url=interview.scorecard_url[:500],
        created_at=now,
        updated_at=now,
    )


def _refresh(
    row: AtsLink,
    interview: Interview,
    now: datetime,
    *,
    panel_id: int | None,
    people: Mapping[str, str],
    unmatched: Sequence[str],
) -> None:
    row.panel_id = panel_id
    row.candidate_external_id = interview.candidate_id
    row.ats_updated_at = interview.updated_at
    row.refs = {**dict(interview.refs), "has_resume": interview.has_resume}
    row.people = dict(people)
    row.unmatched = list(unmatched)
    row.candidate_url = interview.candidate_url[:500]
    row.scorecard_url = interview.scorecard_url[:500]
    row.updated_at = now


async def _enqueue(
    session: AsyncSession,
    kind: str,
    key: str,
    payload: Mapping[str, Any],
    now: datetime,
    *,
    panel_id: int | None = None,
) -> bool:
    """Add a task unless one with ``key`` exists (a duplicate changes nothing)."""
    if await session.scalar(select(AtsTask.id).where(AtsTask.dedupe_key == key)) is not None:
        return False
    try:
        async with session.begin_nested():
            session.add(
                AtsTask(
                    kind=str(kind),
                    dedupe_key=key[:255],
                    panel_id=panel_id if panel_id is not None else payload.get("panel_id"),
                    payload=dict(payload),
                    status=TaskStatus.PENDING,
                    due_at=now,
                    attempts=0,
                    created_at=now,
                    updated_at=now,
                )
            )
    except IntegrityError:
        return False
    return True


async def _resume_task(
    session: AsyncSession, kind: TaskKind, panel_id: int, user_id: str, event: str, now: datetime
) -> None:
    await _enqueue(
        session,
        kind,
        f"{kind}:{panel_id}:{user_id}:{event}",
        {"panel_id": panel_id, "user_id": user_id},
        now,
        panel_id=panel_id,
    )


def _update_key(interview: Interview) -> str:
    return f"ats:{interview.source}:{interview.id}:{interview.updated_at.isoformat()}"[:255]


def _gone(source: str, external_id: str, last_seen: datetime) -> Interview:
    """A stand-in for an interview the ATS deleted: cancelled, just after what was seen."""
    return Interview(
        source=source,
        id=external_id,
        updated_at=last_seen + timedelta(microseconds=1),
        cancelled=True,
        candidate_id="",
        candidate_name="",
        job_title="",
        job_description="",
        stage="",
        interview_name="",
        starts_at=last_seen,
        ends_at=last_seen,
    )


def _where(interview: Interview) -> str:
    """The video link, with the room too when the ATS has both (a hybrid panel)."""
    video, room = interview.video_url.strip(), interview.location.strip()
    if video and room and room != video:
        return f"{video} · {room}"
    return video or room


def _named(person: AtsPerson, role: str) -> str:
    return f"{person.name} <{person.email}> ({role})" if person.name else f"{person.email} ({role})"


def _role_of(person: AtsPerson, interview: Interview) -> str:
    if person in interview.interviewers:
        return "interviewer"
    for role, who in (
        ("coordinator", interview.coordinator),
        ("organiser", interview.organiser),
        ("hiring manager", interview.hiring_manager),
        ("recruiter", interview.recruiter),
    ):
        if who is not None and who.email == person.email:
            return role
    return "on the interview"


def _bounded(text: str, bound: bounds.Bound) -> str:
    cleaned = bounds.clean(text, multiline=bound.multiline)
    if len(cleaned) > bound.max_length:
        cleaned = cleaned[: bound.max_length - 1].rstrip() + "…"
    return cleaned if bounds.meaningful(cleaned) else ""


def _count(report: SyncReport, outcome: str) -> None:
    attr = {
        "created": "created",
        "moved": "moved",
        "cancelled": "cancelled",
        "ignored": "ignored",
    }.get(outcome, "unchanged")
    setattr(report, attr, getattr(report, attr) + 1)
