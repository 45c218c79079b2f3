"""Runs ``bot.devtools.fake_teams.FakeTeams`` (seeded with the Teams cast) in its own process.

    python bench/fake_teams_server.py WORKDIR PORT [RECIPIENTS [LATENCY [TENANT_LIMIT]]]

Reads the signing key from ``WORKDIR/key.pem`` (the benchmark signs activities with it), writes
its CA to ``WORKDIR/fake-teams-ca.pem`` and ``WORKDIR/ready`` (its root URL) once it listens.
``RECIPIENTS`` more people (``bench_recipients``) are in its Graph; ``LATENCY`` seconds delay
each connector send; ``TENANT_LIMIT`` ``off`` lifts Teams' per-tenant limit (on by default, as
in Teams).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.devtools.fake_teams import FakeTeams, GraphUser
from bot.devtools.teams_wire import seed

ZONES = ("Pacific Standard Time", "W. Europe Standard Time", "India Standard Time")


def bench_recipients(count: int) -> list[str]:
    return [f"d0000000-0000-4000-8000-{i:012d}" for i in range(count)]


async def main(
    workdir: Path, port: int, recipients: int, latency: float, tenant_limit: bool
) -> None:
    fake = seed(FakeTeams(private_key_pem=(workdir / "key.pem").read_bytes()))
    if not tenant_limit:
        fake.tenant_limit = None
    for i, aad in enumerate(bench_recipients(recipients)):
        fake.add_user(GraphUser(aad, f"Recipient {i}", zone=ZONES[i % len(ZONES)]))
    fake.send_latency = latency
    await fake.start(workdir, port)
    (workdir / "ready").write_text(fake.root)
    await asyncio.Event().wait()


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(
        main(
            Path(args[0]),
            int(args[1]),
            int(args[2]) if len(args) > 2 else 0,
            float(args[3]) if len(args) > 3 else 0.0,
            (args[4] if len(args) > 4 else "on") != "off",
        )
    )
