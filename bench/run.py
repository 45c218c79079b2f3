"""Every benchmark, each with its baseline, in one command; then the tables in README.md.

    python bench/run.py                      # SQLite, and PostgreSQL when a server is set
    python bench/run.py --quick              # short runs: a smoke test of the whole suite
    python bench/run.py --database-url postgresql://postgres@127.0.0.1:5432/test
    python bench/run.py --only ack,home      # some of them

Runs, one after another (never two at once: they would share the CPUs they measure):

1. ``ack.py``: ``/panel`` help, list, status, stalled, history and a mixed load against a bare
   Bolt app, on SQLite and on PostgreSQL;
2. ``home.py``: App Home build and publish against a static ``views.publish``, on both;
3. ``drain.py``: 10,000 nudges at 50 ms Slack latency against the latency x concurrency
   bound, on SQLite, PostgreSQL with one dispatcher and with two.

PostgreSQL comes from ``--database-url``, else ``BENCH_DATABASE_URL``, else
``TEST_DATABASE_URL``; each benchmark works in a scratch database it creates and drops. Without
one, the PostgreSQL runs are left out (and said so). Each benchmark writes its JSON to
``bench/results/``; this script also writes ``bench/results/summary.json`` (every target, met
or not) and rewrites the part of ``bench/README.md`` between the ``bench:run`` markers.
The exit status is 1 if a benchmark failed to run or had request errors.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def _with_the_project() -> None:
    """Make ``python bench/run.py`` work with any Python: re-run under the checkout's
    ``.venv`` when this interpreter cannot import HireBot, and put the checkout first."""
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(1, str(root))
    try:
        import bot.db  # noqa: F401  (and so SQLAlchemy)
    except ImportError:
        venv = root / ".venv" / "bin" / "python"
        if venv.exists() and Path(sys.prefix).resolve() != venv.parent.parent.resolve():
            os.execv(str(venv), [str(venv), __file__, *sys.argv[1:]])
        raise SystemExit(
            "bench/run.py needs HireBot installed: python3 -m venv .venv &&"
            " .venv/bin/pip install -e '.[test]'"
        ) from None


_with_the_project()

from common import BENCH, RESULTS, machine, machine_line, postgres_url_from_env  # noqa: E402

README = BENCH / "README.md"
START = "<!-- bench:run:start (written by bench/run.py; edits between the markers are lost) -->"
END = "<!-- bench:run:end -->"
KINDS = ("ack", "home", "drain")


def step(name: str, argv: list[str], output: Path, failures: list[str]) -> dict[str, Any] | None:
    """Run one benchmark as a process of its own; its JSON, or None if it failed."""
    print(f"\n=== {name}: {' '.join(argv)}", flush=True)
    started = time.monotonic()
    output.unlink(missing_ok=True)
    done = subprocess.run([sys.executable, *argv], cwd=BENCH, check=False)
    seconds = time.monotonic() - started
    if not output.exists():
        failures.append(f"{name}: exit {done.returncode}, no results")
        return None
    if done.returncode != 0:
        failures.append(f"{name}: exit {done.returncode} (request errors?)")
    summary = json.loads(output.read_text())
    summary["wall_seconds"] = round(seconds, 1)
    return summary


def run_all(args: argparse.Namespace) -> tuple[dict[str, Any], list[str]]:
    pg = args.database_url or postgres_url_from_env()
    only = set(args.only.split(",")) if args.only else set(KINDS)
    failures: list[str] = []
    results: dict[str, Any] = {}
    quick = ["--quick"] if args.quick else []
    backends = [("sqlite", [])] + ([("postgresql", ["--database-url", pg])] if pg else [])
    if not pg:
        print("no PostgreSQL server given: its runs are left out", flush=True)
    if "ack" in only:
        for name, db in backends:
            out = RESULTS / f"ack-{name}.json"
            results[f"ack-{name}"] = step(
                f"ack ({name})", ["ack.py", *quick, *db, "--output", str(out)], out, failures
            )
    if "home" in only:
        sizes = ["--requests", "100", "--warmup", "10"] if args.quick else []
        for name, db in backends:
            out = RESULTS / f"home-{name}.json"
            results[f"home-{name}"] = step(
                f"home ({name})", ["home.py", *sizes, *db, "--output", str(out)], out, failures
            )
    if "drain" in only:
        count = args.drain_count or (2_000 if args.quick else 10_000)
        runs = "sqlite:1" + (",postgresql:1,postgresql:2" if pg else "")
        out = RESULTS / "drain.json"
        env_db = ["--runs", runs, "--count", str(count), "--output", str(out)]
        if pg:
            os.environ["BENCH_DATABASE_URL"] = pg
        results["drain"] = step("drain", ["drain.py", *env_db], out, failures)
    summary = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "quick": args.quick,
        "postgresql": bool(pg),
        "results": results,
        "targets": targets(results),
        "failures": failures,
    }
    return summary, failures


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every benchmark's targets in one list: what, where, the value, met or not."""
    found = []
    for name, summary in results.items():
        if not summary:
            continue
        if name.startswith("home"):
            ours = next(r for r in summary["results"] if r["scenario"].startswith("hirebot: query"))
            found.append(
                {
                    "benchmark": name,
                    "target": "build + publish p99 ms",
                    "goal": f"< {summary['target_p99_ms']:g}",
                    "value": ours["p99_ms"],
                    "met": summary["met"],
                }
            )
            for key, what in (
                ("cold", "first after a change to one of the person's panels"),
                ("new_minute", "first in a new minute"),
            ):
                if f"{key}_p99_ms" in summary:
                    found.append(
                        {
                            "benchmark": name,
                            "target": f"build + publish p99 ms, {what}",
                            "goal": f"< {summary['target_p99_ms']:g}",
                            "value": summary[f"{key}_p99_ms"],
                            "met": summary[f"{key}_met"],
                        }
                    )
            continue
        for what, t in summary.get("targets", {}).items():
            found.append(
                {
                    "benchmark": name,
                    "target": what,
                    "goal": t["target"],
                    "value": t["value"],
                    "met": t["met"],
                }
            )
    return found


# --------------------------------------------------------------------------- README
def _ack_table(summary: dict[str, Any]) -> list[str]:
    rows = [
        "| scenario | in flight | requests | errors | req/s | p50 ms | p99 ms"
        " | server CPU ms/req | server RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in summary["scenarios"]:
        cpu = r["server_cpu_ms_per_request"]
        rss = r.get("server_rss_mib")
        rows.append(
            f"| {r['scenario']} | {r['in_flight']} | {r['requests']} | {r['errors']}"
            f" | {r['throughput']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f}"
            f" | {'n/a' if cpu is None else f'{cpu:.2f}'} | {'' if rss is None else f'{rss:.0f}'} |"
        )
        for command, c in (r.get("per_command") or {}).items():
            rows.append(
                f"| … of which `{command}` | | {c['requests']} | | | {c['p50_ms']:.1f}"
                f" | {c['p99_ms']:.1f} | | |"
            )
    m = summary["memory"]
    return [
        *rows,
        "",
        f"Server RSS: HireBot idle {m['hirebot_idle_mib']} MiB, at most"
        f" {m['hirebot_under_load_max_mib']} MiB under load (peak {m['hirebot_peak_mib']} MiB);"
        f" the bare app idle {m['bare_idle_mib']} MiB.",
    ]


def _home_table(summary: dict[str, Any]) -> list[str]:
    rows = [
        "| scenario | n | p50 ms | p99 ms | mean ms | CPU ms/call |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in summary["results"]:
        rows.append(
            f"| {r['scenario']} | {r['n']} | {r['p50_ms']} | {r['p99_ms']} | {r['mean_ms']}"
            f" | {r.get('cpu_ms_per_call')} |"
        )
    return rows


def _drain_table(summary: dict[str, Any]) -> list[str]:
    rows = [
        "| configuration | concurrency | drain s | nudges/s | bound s | % of bound"
        " | lateness p50 / p99 s | duplicates | lost | calls/nudge | dispatcher CPU ms/nudge |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for r in summary["results"]:
        rows.append(
            f"| {r['label']} | {r['concurrency']} | {r['drain']:.1f} | {r['throughput']:.0f}"
            f" | {r['bound']:.1f} | {100 * r['share_of_bound']:.0f}%"
            f" | {r['lateness_p50']:.1f} / {r['lateness_p99']:.1f} | {r['duplicates']}"
            f" | {r['lost']} | {r['calls_per_nudge']:.2f} | {r['dispatcher_cpu_ms_per_nudge']} |"
        )
    return rows


def _load(summary: dict[str, Any]) -> str:
    load = summary.get("load_average") or {}
    before = load.get("before", summary.get("load_average_before"))
    after = load.get("after", summary.get("load_average_after"))
    return f"load average {before:.2f} before, {after:.2f} after"


def section(summary: dict[str, Any]) -> str:
    verdict = {True: "met", False: "**missed**"}
    lines = [
        f"Run {summary['at']}{' (--quick)' if summary['quick'] else ''} on"
        f" {machine_line(summary['machine'])}; packages:"
        f" {', '.join(f'{k} {v}' for k, v in summary['machine']['packages'].items() if v)}.",
        "",
    ]
    for name, result in summary["results"].items():
        if not result:
            lines += [f"### {name}", "", "Did not run (see the failures below).", ""]
            continue
        if name.startswith("ack"):
            db = result["database"]
            lines += [
                f"### ack, {db['dialect']}{' ' + db['server'] if db['server'] else ''}"
                f" ({result['seeded']['panels']:,} panels, {_load(result)})",
                "",
                *_ack_table(result),
                "",
            ]
        elif name.startswith("home"):
            lines += [
                f"### App Home, {result['backend']} ({_load(result)})",
                "",
                *_home_table(result),
                "",
            ]
        else:
            c = result["config"]
            lines += [
                f"### drain ({c['count']:,} nudges, {c['latency'] * 1000:g} ms Slack latency,"
                f" {c['concurrency']} sends per process, {_load(result)})",
                "",
                *_drain_table(result),
                "",
            ]
    lines += [
        "### Targets",
        "",
        "| benchmark | target | goal | value | |",
        "|---|---|---|---:|---|",
    ]
    for t in summary["targets"]:
        lines.append(
            f"| {t['benchmark']} | {t['target']} | {t['goal']} | {t['value']} | {verdict[t['met']]} |"
        )
    if summary["failures"]:
        lines += ["", "Failures: " + "; ".join(summary["failures"])]
    if not summary["postgresql"]:
        lines += ["", "No PostgreSQL server was given: its runs are missing."]
    return "\n".join(lines)


def refresh_readme(summary: dict[str, Any]) -> None:
    text = README.read_text()
    block = f"{START}\n\n{section(summary)}\n\n{END}"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Latest full run\n\n" + block + "\n"
    README.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs (a smoke test)")
    parser.add_argument("--database-url", help="a PostgreSQL server (scratch databases)")
    parser.add_argument("--only", help=f"comma-separated, of {','.join(KINDS)}")
    parser.add_argument("--drain-count", type=int, help="nudges to drain (default 10,000)")
    parser.add_argument("--no-readme", action="store_true", help="leave bench/README.md as it is")
    args = parser.parse_args(argv)
    summary, failures = run_all(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print("\n" + section(summary))
    if not args.no_readme:
        refresh_readme(summary)
        print(f"\n{README} refreshed")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
