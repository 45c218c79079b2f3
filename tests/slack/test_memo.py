"""Answers rendered once per report: the same report object (a read-cache hit) is not rendered
again for the same reader, and no caller's blocks leak into another's."""

from __future__ import annotations

from dataclasses import dataclass

from bot.people import Person
from bot.slack.memo import per_report

ADA = Person("U1", "Ada", tz="Europe/London")
BOB = Person("U2", "Bob", tz="America/New_York")


@dataclass(frozen=True)
class Report:
    title: str


def counting_renderer():
    calls: list[tuple[str, str]] = []

    @per_report
    def render(report: Report, reader: Person):
        calls.append((report.title, reader.id))
        return report.title, [{"type": "section", "text": f"{report.title} for {reader.tz}"}]

    return render, calls


def test_the_same_report_and_reader_render_once():
    render, calls = counting_renderer()
    report = Report("P-1")
    first, again = render(report, ADA), render(report, ADA)
    assert first == again
    assert calls == [("P-1", "U1")]


def test_another_reader_or_an_equal_but_new_report_renders_afresh():
    render, calls = counting_renderer()
    report = Report("P-1")
    render(report, ADA)
    assert render(report, BOB)[1][0]["text"] == "P-1 for America/New_York"
    render(Report("P-1"), ADA)  # equal, but a fresh answer (the cache moved on): rendered again
    assert calls == [("P-1", "U1"), ("P-1", "U2"), ("P-1", "U1")]


def test_a_caller_appending_to_its_blocks_does_not_change_the_next_callers():
    render, _ = counting_renderer()
    report = Report("P-1")
    _, blocks = render(report, ADA)
    blocks.append({"type": "context"})
    assert len(render(report, ADA)[1]) == 1
