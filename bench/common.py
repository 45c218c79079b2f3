"""What the benchmarks share: processes, seeding, a scratch database, statistics, the machine.

``ack.py``, ``home.py``, ``drain.py``, ``profile_ack.py`` and ``run.py`` import this module
(they run as scripts from ``bench/``, so it is imported as ``common``).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.metadata
import os
import platform
import random
import re
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import insert, text

from bot.db import Database, is_sqlite
from bot.devtools import people
from bot.models import (
    Candidate,
    FocusArea,
    Panel,
    PanelFormat,
    Panelist,
    PanelStatus,
    Perspective,
    Role,
)

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"

BOT_TOKEN = "xoxb-bench"
CALLER = people.COORDINATOR  # in the fake's directory, so users.info answers
PANELS = 5_000
CALLER_EVERY = 10  # the caller coordinates or sits on one panel in ten


# --------------------------------------------------------------------------- processes
class BenchError(RuntimeError):
    """The benchmark could not run (a process died, a server never came up)."""


# --------------------------------------------------------------------------- processes
class Service:
    """A subprocess with its output in a log file, stopped with terminate, then kill."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.log_path = workdir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            argv,
            env=env,
            cwd=workdir,  # away from any .env in the checkout
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def stop(self, timeout: float = 10.0, how: signal.Signals = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(how)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def ensure_alive(self) -> None:
        if self.proc.poll() is not None:
            tail = "\n".join(self.output().splitlines()[-30:])
            raise BenchError(f"{self.name} exited with code {self.proc.returncode}:\n{tail}")

    def cpu_seconds(self) -> float | None:
        """User+system CPU time of the process so far (Linux), to see where cycles go."""
        return cpu_seconds(self.proc.pid)

    def rss_mib(self) -> tuple[float, float] | None:
        """(current, peak) resident set size in MiB."""
        return rss_mib(self.proc.pid)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_env(**settings: str) -> dict[str, str]:
    """This environment without the caller's Slack/HireBot settings, plus ``settings``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "HIREBOT_")) and k not in ("DATABASE_URL", "PORT")
    }
    env["PYTHONUNBUFFERED"] = "1"
    # This checkout first: an editable install made before a package had its __init__.py
    # resolves it as a namespace package from any other directory.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return {**env, **settings}


def wait_until(ready: Callable[[], bool], service: Service, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        service.ensure_alive()
        if time.monotonic() > deadline:
            raise BenchError(f"{service.name} not ready after {timeout:.0f} s")
        time.sleep(0.1)


def start_fake_slack(workdir: Path) -> tuple[Service, str]:
    """The fake Slack in its own process; returns it and its Web API base URL."""
    fake = Service(
        "fake-slack",
        [sys.executable, str(BENCH / "fake_slack_server.py"), "--port", "0"],
        child_env(),
        workdir,
    )
    found: list[str] = []

    def ready() -> bool:
        found.extend(re.findall(r"^READY (\S+)$", fake.output(), re.M))
        return bool(found)

    wait_until(ready, fake)
    return fake, found[0]


def tcp_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


# --------------------------------------------------------------------------- database
@dataclass
class Seeded:
    panels: int
    panelists: int
    caller_panels: int
    caller_upcoming: int
    caller_last_two_weeks: int
    caller_cancelled: int
    seconds: float
    # The caller's panels the status and history scenarios ask about: not cancelled, half of
    # them over (their status shows the follow-up), half upcoming.
    sample_panels: list[int] = field(default_factory=list)


ROLE_TITLES = [
    "Senior Data Engineer",
    "Staff Data Engineer",
    "Backend Engineer",
    "Frontend Engineer",
    "Site Reliability Engineer",
    "Engineering Manager",
    "Product Manager",
    "Product Designer",
    "Data Scientist",
    "Security Engineer",
    "Technical Writer",
    "Solutions Architect",
]
FIRST = ["Ada", "Grace", "Alan", "Barbara", "Edsger", "Frances", "Ken", "Radia", "Tim", "Sophie"]
LAST = ["Lovelace", "Hopper", "Turing", "Liskov", "Dijkstra", "Allen", "Thompson", "Perlman"]
ZONES = ["America/New_York", "America/Chicago", "Europe/Berlin", "Europe/London", "Asia/Kolkata"]


async def seed_database(url: str, now: datetime, count: int = PANELS) -> Seeded:
    """Upgrade the schema, then bulk-insert ``count`` panels spread over the past half year and
    the next three months; the caller runs or sits on one in ``CALLER_EVERY``.

    Rows go straight in with SQLAlchemy (the project's models, the shape ``PanelService.schedule``
    writes): seeding through Slack would take longer than the benchmark itself.
    """
    started = time.perf_counter()
    rng = random.Random(15)
    cast = [u.id for u in people.CAST if u.id != CALLER]
    colleagues = cast + [f"UBENCH{n:04d}" for n in range(300)]
    roles = [
        {"id": i, "title": t, "responsibilities": f"What a {t} owns.", "created_at": now}
        for i, t in enumerate(ROLE_TITLES, 1)
    ]
    candidates: list[dict[str, Any]] = []
    panels: list[dict[str, Any]] = []
    seats: list[dict[str, Any]] = []
    caller_panels = upcoming = recent = caller_cancelled = 0
    past_sample: list[int] = []
    future_sample: list[int] = []
    for pid in range(1, count + 1):
        starts = (now + timedelta(minutes=rng.randrange(-180 * 24 * 60, 90 * 24 * 60))).replace(
            second=0, microsecond=0
        )
        involved = pid % CALLER_EVERY == 0
        as_coordinator = involved and pid % (2 * CALLER_EVERY) == 0
        chosen = rng.sample(colleagues, rng.randint(3, 4))
        cancelled = rng.random() < 0.05
        if involved and not as_coordinator:
            chosen[rng.randrange(len(chosen))] = CALLER
        candidates.append(
            {"id": pid, "name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {pid}", "created_at": now}
        )
        panels.append(
            {
                "id": pid,
                "candidate_id": pid,
                "role_id": rng.randint(1, len(roles)),
                "round_number": 2,
                "starts_at": starts,
                "duration_minutes": rng.choice([45, 60, 90]),
                "timezone": rng.choice(ZONES),
                "format": rng.choice(list(PanelFormat)).value,
                "location": "https://meet.example.com/panel-" + str(pid),
                "resume_url": f"https://files.example.com/resume-{pid}.pdf" if pid % 3 else None,
                "coordinator_id": CALLER if as_coordinator else rng.choice(cast),
                "hiring_manager_id": rng.choice(cast),
                "recruiter_id": rng.choice(cast),
                "status": (PanelStatus.CANCELLED if cancelled else PanelStatus.SCHEDULED).value,
                "created_at": starts - timedelta(days=7),
                "updated_at": starts - timedelta(days=7),
            }
        )
        seats += [
            {
                "panel_id": pid,
                "user_id": user_id,
                "position": position,
                "focus_area": rng.choice(list(FocusArea)).value,
                "focus_detail": "",
                "perspective": rng.choice(list(Perspective)).value,
            }
            for position, user_id in enumerate(chosen)
        ]
        if involved or CALLER in chosen:
            caller_panels += 1
            upcoming += starts >= now
            caller_cancelled += cancelled
            recent += now - timedelta(days=14) <= starts < now
            if not cancelled:
                (future_sample if starts >= now else past_sample).append(pid)
    db = Database(url)
    try:
        await db.upgrade()
        async with db.session() as session:
            for model, rows in ((Role, roles), (Candidate, candidates), (Panel, panels)):
                await session.execute(insert(model), rows)
            await session.execute(insert(Panelist), seats)
            if not is_sqlite(db.url):  # explicit ids: move the sequences past them
                for table in ("roles", "candidates", "panels", "panelists"):
                    await session.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                            f" (SELECT max(id) FROM {table}))"
                        )
                    )
        await analyze(db)
    finally:
        await db.dispose()
    return Seeded(
        panels=len(panels),
        panelists=len(seats),
        caller_panels=caller_panels,
        caller_upcoming=upcoming,
        caller_last_two_weeks=recent,
        caller_cancelled=caller_cancelled,
        seconds=round(time.perf_counter() - started, 2),
        sample_panels=[
            p for pair in zip(past_sample[-8:], future_sample[:8], strict=True) for p in pair
        ],
    )


async def analyze(db: Database) -> None:
    """PostgreSQL: gather planner statistics after a bulk load, as autovacuum would within a
    minute of one. Without them, the generic plan PostgreSQL switches a prepared statement to
    after five runs can be far off (``/panel list``: ~30 ms instead of ~2)."""
    if is_sqlite(db.url):
        return
    async with db.session() as session:
        await session.execute(text("ANALYZE"))


@contextlib.contextmanager
def scratch_postgres(url: str) -> Iterator[str]:
    """A fresh database on the server ``url`` names, dropped afterwards; nothing else changes."""
    import asyncpg

    parts = urlsplit(url)
    admin_dsn = urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, ""))
    name = f"hirebot_bench_{uuid.uuid4().hex[:8]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(admin_dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def postgres_version(url: str) -> str:
    import asyncpg

    parts = urlsplit(url)
    conn = await asyncpg.connect(urlunsplit(("postgresql", parts.netloc, parts.path, "", "")))
    try:
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


# --------------------------------------------------------------------------- statistics and the machine
def percentile(sorted_ms: list[float], q: float) -> float:
    """Nearest-rank percentile: the smallest sample at or above ``q`` of all samples."""
    rank = max(1, -(-len(sorted_ms) * q // 100))
    return sorted_ms[int(rank) - 1]


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine() -> dict[str, Any]:
    cpu = "unknown"
    ram_gib: float | None = None
    with contextlib.suppress(OSError):
        models = re.findall(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = models[0].strip() if models else cpu
    with contextlib.suppress(OSError, AttributeError):
        kib = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        ram_gib = round(int(kib.group(1)) / 1024**2, 1)  # type: ignore[union-attr]
    packages = [
        "slack_bolt",
        "slack_sdk",
        "starlette",
        "uvicorn",
        "httptools",
        "SQLAlchemy",
        "aiosqlite",
    ]
    packages += ["asyncpg", "aiohttp"]
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": ram_gib,
        "python": platform.python_version(),
        "os": platform.platform(),
        "packages": {p: _version(p) for p in packages},
    }


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def machine_line(m: dict[str, Any]) -> str:
    return f"{m['nproc']} CPU ({m['cpu']}), {m['ram_gib']} GiB RAM, Python {m['python']}, {m['os']}"


def cpu_seconds(pid: int) -> float | None:
    """User+system CPU time of a process so far, all its threads (Linux ``/proc``), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> tuple[float, float] | None:
    """(current, peak) resident set size of a process in MiB (Linux ``/proc``), or None."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.M))
    if "VmRSS" not in found:
        return None
    return int(found["VmRSS"]) / 1024, int(found.get("VmHWM", found["VmRSS"])) / 1024


def postgres_url_from_env() -> str | None:
    """The PostgreSQL server the benchmarks may use (``BENCH_DATABASE_URL``, else
    ``TEST_DATABASE_URL``), as a plain ``postgresql://`` URL, or None."""
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    return url.replace("postgresql+asyncpg://", "postgresql://") if url else None
