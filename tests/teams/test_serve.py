"""``hirebot serve`` with Teams alone: the endpoint mounted in the app it runs, the signing
keys fetched before traffic, a signed command answered, SIGTERM a clean stop."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys

import httpx

from bot.devtools.teams_wire import COORDINATOR, TeamsWire, fake_teams_running


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_serve_runs_teams_alone(tmp_path):
    async with fake_teams_running() as fake:
        port = free_port()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "HIREBOT_", "TEAMS_"))
        }
        env.update(
            DATABASE_URL=f"sqlite:///{tmp_path / 'h.db'}",
            PORT=str(port),
            TEAMS_APP_ID=fake.app_id,
            TEAMS_APP_PASSWORD=fake.app_password,
            TEAMS_TENANT_ID=fake.tenant_id,
            TEAMS_OPENID_METADATA_URL=fake.metadata_url,
            TEAMS_LOGIN_URL=fake.login_url,
            GRAPH_API_URL=fake.graph_url,
            SSL_CERT_FILE=fake.ca_file,
            PYTHONUNBUFFERED="1",
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "serve",
            env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
                for _ in range(200):
                    try:
                        if (await http.get("/healthz")).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.1)
                else:
                    raise AssertionError("hirebot serve did not come up")
                # The keys were fetched at start-up, before any activity arrived.
                assert len(fake.calls_to("openid.keys")) == 1
                assert (await http.post("/slack/events", content=b"{}")).status_code == 404
                wire = TeamsWire(http, fake)
                response = await wire.say(COORDINATOR, "help")
                assert response.status_code == 200, response.text
                assert "HireBot runs your interview panels" in str(fake.cards_to(COORDINATOR))
                refused = await wire.post(
                    wire.activity(COORDINATOR, "message", text="list"),
                    token=fake.sign(wire.activity(COORDINATOR, "message"), audience="another-bot"),
                )
                assert refused.status_code == 401
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0, stderr.decode()[-2000:]
