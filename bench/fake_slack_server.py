"""Run HireBot's loopback fake Slack Web API in a process of its own, for the benchmarks.

A separate process keeps the fake's work off the event loops being measured (the server's and
the load generator's). It prints ``READY <base_url>`` on stdout once it listens, then serves
until terminated.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from bot.devtools.fake_slack import FakeSlack
from bot.devtools.people import seed


async def serve(host: str, port: int) -> None:
    fake = seed(FakeSlack())
    base_url = await fake.start(host, port)
    print(f"READY {base_url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port))


if __name__ == "__main__":
    main()
