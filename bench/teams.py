"""Teams: HireBot's command path against a bare Teams SDK app on the same stack, same run; and
the outbox drained through the fake connector against the latency bound.

**Commands.** Signed ``message`` activities (RS256, the key the fake Microsoft publishes) are
posted to ``/api/messages`` of a real ``hirebot serve`` process (Teams only; 5,000 panels in
the database, the caller on one in ten) and of a bare Teams SDK app (``bench/
bare_teams_app.py``: the SDK's own token check and ``ctx.send`` of one line), 16 at a time.
The fake Microsoft (connector, keys, token authority, Graph; TLS with its own CA) runs in a
third process, the load generator in this one. Both bots answer through the fake connector
before their HTTP answer returns, so an answer's latency includes its reply. Every reply is
counted at the fake (``/_stats``): requests without a reply count as errors.

**Drain.** ``N`` prep reminders fall due at once for ``N`` Teams people (conversation
references stored, 1:1 chats known); the fake connector answers each send after ``latency``;
the dispatcher (``HIREBOT_DISPATCH_CONCURRENCY``) sends them in one process. Reported against
the bound: the longer of ``N x latency / concurrency`` and ``N / TEAMS_TENANT_RATE`` (Teams'
limit of requests a second per tenant, which HireBot keeps to and the fake enforces).

    .venv/bin/python bench/teams.py            # both parts
    .venv/bin/python bench/teams.py --quick    # a smoke run
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import common  # noqa: E402  (the benchmarks' process and seeding helpers)

from bot.devtools.fake_teams import FakeTeams  # noqa: E402
from bot.devtools.teams_wire import COORDINATOR  # noqa: E402

APP_ID = FakeTeams.app_id
TENANT = FakeTeams.tenant_id
PASSWORD = FakeTeams.app_password
CONCURRENCY = 16
HELP_THROUGHPUT_TARGET = 0.8  # hirebot help req/s over the bare SDK app's


@dataclass
class Result:
    scenario: str
    in_flight: int
    requests: int
    errors: int
    throughput: float
    p50_ms: float
    p99_ms: float
    server_cpu_ms_per_request: float | None


def sign(key: Any, kid: str, service_url: str) -> str:
    now = int(time.time())
    claims = {
        "iss": "https://api.botframework.com",
        "aud": APP_ID,
        "serviceurl": service_url,
        "nbf": now - 5,
        "iat": now - 5,
        "exp": now + 3600,
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def activity(text: str, service_url: str, conversation: str, n: int) -> dict[str, Any]:
    return {
        "type": "message",
        "id": f"bench-{n}",
        "timestamp": datetime.now(UTC).isoformat(),
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": f"29:{COORDINATOR}", "aadObjectId": COORDINATOR, "name": "Cora"},
        "recipient": {"id": f"28:{APP_ID}", "name": "HireBot"},
        "conversation": {"id": conversation, "conversationType": "personal", "tenantId": TENANT},
        "channelData": {"tenant": {"id": TENANT}},
        "text": text,
    }


def stats(root: str, ca: str) -> dict[str, int]:
    import ssl

    context = ssl.create_default_context(cafile=ca)
    with urllib.request.urlopen(root + "_stats", context=context, timeout=10) as answer:
        return json.loads(answer.read())


async def personal_chat(root: str, ca: str) -> str:
    """The caller's 1:1 chat, made at the fake the way the connector makes one."""
    import ssl

    context = ssl.create_default_context(cafile=ca)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=context)) as http:
        async with http.post(
            f"{root}login/{TENANT}/oauth2/v2.0/token",
            data={
                "grant_type": "client_credentials",
                "client_id": APP_ID,
                "client_secret": PASSWORD,
                "scope": "https://api.botframework.com/.default",
            },
        ) as answer:
            token = (await answer.json())["access_token"]
        async with http.post(
            f"{root}teams/v3/conversations",
            json={"members": [{"id": f"29:{COORDINATOR}"}], "tenantId": TENANT},
            headers={"Authorization": f"Bearer {token}"},
        ) as answer:
            return str((await answer.json())["id"])


async def load(
    port: int, text: str, count: int, in_flight: int, token: str, service_url: str, chat: str
) -> tuple[list[float], int, float]:
    counter = itertools.count()
    latencies: list[float] = []
    errors = 0
    url = f"http://127.0.0.1:{port}/api/messages"
    headers = {"Authorization": f"Bearer {token}"}

    async def worker(http: aiohttp.ClientSession) -> None:
        nonlocal errors
        while next(counter) < count:
            body = activity(text, service_url, chat, uuid.uuid4().int)
            began = time.perf_counter()
            try:
                async with http.post(url, json=body, headers=headers) as answer:
                    await answer.read()
                    ok = answer.status == 200
            except (aiohttp.ClientError, TimeoutError):
                ok = False
            latencies.append((time.perf_counter() - began) * 1000)
            errors += not ok

    began = time.perf_counter()
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        await asyncio.gather(*(worker(http) for _ in range(in_flight)))
    return latencies, errors, time.perf_counter() - began


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))]


async def measure(
    name: str,
    service: common.Service,
    port: int,
    text: str,
    count: int,
    in_flight: int,
    fake: tuple[str, str],
    token: str,
    chat: str,
) -> Result:
    root, ca = fake
    service_url = root + "teams/"
    await load(port, text, min(200, count), in_flight, token, service_url, chat)  # warm-up
    sends_before = stats(root, ca)["sends"]
    cpu_before = service.cpu_seconds()
    latencies, errors, elapsed = await load(port, text, count, in_flight, token, service_url, chat)
    cpu_after = service.cpu_seconds()
    missing = count - (stats(root, ca)["sends"] - sends_before)
    cpu = None
    if cpu_before is not None and cpu_after is not None:
        cpu = (cpu_after - cpu_before) * 1000 / count
    return Result(
        name,
        in_flight,
        count,
        errors + max(0, missing),
        count / elapsed,
        percentile(latencies, 50),
        percentile(latencies, 99),
        cpu,
    )


@dataclass
class FakeMicrosoft:
    service: common.Service
    root: str
    ca: str
    key: Any


def start_fake(
    workdir: Path, recipients: int, latency: float, *, tenant_limit: bool = True
) -> FakeMicrosoft:
    workdir.mkdir(exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (workdir / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    argv = [sys.executable, str(BENCH / "fake_teams_server.py"), str(workdir)]
    argv += [str(common.free_port()), str(recipients), str(latency)]
    argv += ["on" if tenant_limit else "off"]
    service = common.Service("fake-teams", argv, common.child_env(), workdir)
    common.wait_until(lambda: (workdir / "ready").exists(), service)
    return FakeMicrosoft(
        service, (workdir / "ready").read_text(), str(workdir / "fake-teams-ca.pem"), key
    )


def teams_env(fake: FakeMicrosoft) -> dict[str, str]:
    return {
        "TEAMS_APP_ID": APP_ID,
        "TEAMS_APP_PASSWORD": PASSWORD,
        "TEAMS_TENANT_ID": TENANT,
        "TEAMS_OPENID_METADATA_URL": fake.root + "botframework/v1/.well-known/openidconfiguration",
        "TEAMS_LOGIN_URL": fake.root + "login",
        "GRAPH_API_URL": fake.root + "graph/v1.0/",
        "SSL_CERT_FILE": fake.ca,
    }


async def commands(args: argparse.Namespace, workdir: Path, fake: FakeMicrosoft) -> list[Result]:
    services: list[common.Service] = []
    try:
        env = teams_env(fake)
        url = f"sqlite:///{workdir / 'hirebot.db'}"
        common.CALLER = COORDINATOR  # the seeded panels are the Teams caller's
        seeded = await common.seed_database(url, datetime.now(UTC), args.panels)
        print(f"seeded {seeded.panels} panels in {seeded.seconds:.1f} s", file=sys.stderr)
        hb_port, bare_port = common.free_port(), common.free_port()
        hirebot = common.Service(
            "hirebot",
            [sys.executable, "-m", "bot.cli", "serve"],
            # Teams' per-tenant limit is lifted here (the fake's too): this part compares the
            # apps' own cost, and the bare SDK app keeps to no limit.
            common.child_env(**env, DATABASE_URL=url, PORT=str(hb_port), TEAMS_TENANT_RATE="1000"),
            workdir,
        )
        bare = common.Service(
            "bare-teams",
            [sys.executable, str(BENCH / "bare_teams_app.py")],
            common.child_env(**env, PORT=str(bare_port)),
            workdir,
        )
        services += [hirebot, bare]
        common.wait_until(lambda: common.healthy(hb_port), hirebot)
        common.wait_until(lambda: common.tcp_open(bare_port), bare)
        chat = await personal_chat(fake.root, fake.ca)
        token = sign(fake.key, "fake-key-1", fake.root + "teams/")
        n = args.requests
        where = (fake.root, fake.ca)
        plan = [
            ("bare SDK app: message", bare, bare_port, "help", n, CONCURRENCY),
            ("hirebot: help", hirebot, hb_port, "help", n, CONCURRENCY),
            ("hirebot: list", hirebot, hb_port, "list", n, CONCURRENCY),
            ("hirebot: list", hirebot, hb_port, "list", n // 4, 1),
        ]
        results = []
        for name, service, port, text, count, in_flight in plan:
            result = await measure(name, service, port, text, count, in_flight, where, token, chat)
            results.append(result)
            if result.errors:
                tail = "\n".join(service.output().splitlines()[-15:])
                print(
                    f"{name}: {result.errors} errors; {service.name} says:\n{tail}", file=sys.stderr
                )
        return results
    finally:
        for service in reversed(services):
            service.stop()


async def drain(
    count: int, latency: float, concurrency: int, workdir: Path, fake: FakeMicrosoft
) -> dict[str, Any]:
    """The dispatcher in this process, the fake Microsoft in its own, as ``hirebot serve``
    would run it (without the HTTP side)."""
    from fake_teams_server import bench_recipients
    from sqlalchemy import insert

    from bot.clock import FixedClock
    from bot.config import isolated_settings
    from bot.db import Database
    from bot.devtools.fake_teams import conversation_id_for
    from bot.devtools.outbox_seed import seed_due_nudges
    from bot.devtools.teams_wire import HIRING_MANAGER, RECRUITER
    from bot.models import TeamsConversation
    from bot.services import build_services
    from bot.workspaces import teams_workspace

    now = datetime(2026, 11, 25, 15, tzinfo=UTC)
    url = f"sqlite:///{workdir / 'drain.db'}"
    people = bench_recipients(count)
    os.environ["SSL_CERT_FILE"] = fake.ca
    env = teams_env(fake)
    settings = isolated_settings(
        database_url=url,
        dispatch_concurrency=concurrency,
        teams_app_id=APP_ID,
        teams_app_password=PASSWORD,
        teams_tenant_id=TENANT,
        teams_openid_metadata_url=env["TEAMS_OPENID_METADATA_URL"],
        teams_login_url=env["TEAMS_LOGIN_URL"],
        graph_api_url=env["GRAPH_API_URL"],
        slack_api_url="http://127.0.0.1:9/api/",  # no Slack here: nothing may go there
    )
    db = Database(url)
    await db.upgrade()
    space = await teams_workspace(db, TENANT, now)
    async with db.session() as session:
        await session.execute(
            insert(TeamsConversation),
            [
                {
                    "tenant_id": TENANT,
                    "aad_object_id": aad,
                    "workspace_id": space,
                    "user_id": f"29:{aad}",
                    "service_url": fake.root + "teams/",
                    "bot_id": f"28:{APP_ID}",
                    "conversation_id": conversation_id_for(aad),
                    "source": "personal",
                    "updated_at": now,
                }
                for aad in people
            ],
        )
    owners = (COORDINATOR, HIRING_MANAGER, RECRUITER)
    await seed_due_nudges(db, people, due_at=now, now=now - timedelta(hours=1), owners=owners)
    services = build_services(settings, FixedClock(now), db)
    before = stats(fake.root, fake.ca)
    began = time.perf_counter()
    sent = 0
    while sent < count:
        report = await services.dispatcher.run_once(now)
        if not report.sent and not report.retry_later:
            break
        sent += report.sent
    elapsed = time.perf_counter() - began
    after = stats(fake.root, fake.ca)
    await services.teams.stop()  # type: ignore[union-attr]
    await db.dispose()
    sends = after["sends"] - before["sends"]
    # Whichever is slower: the sends in flight, or Teams' per-tenant rate that HireBot keeps.
    bound = max(count * latency / concurrency, count / settings.teams_tenant_rate)
    return {
        "nudges": count,
        "latency_s": latency,
        "concurrency": concurrency,
        "sent": sent,
        "connector_sends_per_nudge": round(sends / count, 3) if count else None,
        "duplicates": sends - (after["recipients"] - before["recipients"]),
        "drain_s": round(elapsed, 2),
        "bound_s": round(bound, 2),
        "tenant_rate": settings.teams_tenant_rate,
        "percent_of_bound": round(100 * bound / elapsed, 1) if elapsed else None,
        "nudges_per_s": round(sent / elapsed, 1) if elapsed else None,
    }


def markdown(results: list[Result]) -> str:
    rows = [
        "| scenario | in flight | requests | errors | req/s | p50 ms | p99 ms | server CPU ms/req |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        cpu = "n/a" if r.server_cpu_ms_per_request is None else f"{r.server_cpu_ms_per_request:.2f}"
        rows.append(
            f"| {r.scenario} | {r.in_flight} | {r.requests} | {r.errors} | {r.throughput:.0f}"
            f" | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {cpu} |"
        )
    return "\n".join(rows)


async def main(args: argparse.Namespace) -> int:
    summary: dict[str, Any] = {"machine": common.machine(), "load_average": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="hirebot-bench-teams-") as tmp:
        workdir = Path(tmp)
        if not args.drain_only:
            # The command path compares the apps' own cost: Teams' per-tenant limit, which the
            # bare SDK app does not keep to, is lifted for it; the drain below keeps it.
            unlimited = start_fake(workdir / "commands", 0, 0.0, tenant_limit=False)
            try:
                results = await commands(args, workdir, unlimited)
            finally:
                unlimited.service.stop()
        fake = start_fake(workdir / "drain", args.nudges, args.latency)
        try:
            if not args.drain_only:
                summary["commands"] = [asdict(r) for r in results]
                print(markdown(results))
                ratio = results[1].throughput / results[0].throughput
                summary["help_over_bare"] = round(ratio, 2)
                print(
                    f"\nhirebot help / bare SDK app throughput: {ratio:.2f}"
                    f" (target ≥ {HELP_THROUGHPUT_TARGET})"
                )
            result = await drain(args.nudges, args.latency, args.concurrency, workdir, fake)
        finally:
            fake.service.stop()
        summary["drain"] = result
        print(
            f"\ndrain: {result['nudges']} nudges, connector latency"
            f" {result['latency_s'] * 1000:.0f} ms, concurrency {result['concurrency']}:"
            f" {result['drain_s']} s (bound {result['bound_s']} s, {result['percent_of_bound']} %"
            f" of bound), {result['connector_sends_per_nudge']} sends/nudge,"
            f" {result['duplicates']} duplicates"
        )
    summary["load_average_after"] = os.getloadavg()
    print(common.machine_line(summary["machine"]), f"load {summary['load_average']}")
    out = BENCH / "results" / f"teams-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(summary, indent=2, default=str))
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run (smoke test)")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--panels", type=int, default=5000)
    parser.add_argument("--nudges", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.05, help="connector latency, seconds")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--drain-only", action="store_true")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.requests, arguments.panels, arguments.nudges = 200, 500, 200
    sys.exit(asyncio.run(main(arguments)))
