import pytest

from bot.slack.text import escape, safe, truncate


def test_escape_only_slack_control_characters():
    assert escape("<!here> & <@U1> *bold*") == "&lt;!here&gt; &amp; &lt;@U1&gt; *bold*"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [("short", 10, "short"), ("exactly10!", 10, "exactly10!"), ("eleven char", 10, "eleven ch…")],
)
def test_truncate(text, limit, expected):
    assert truncate(text, limit) == expected


def test_safe_never_cuts_inside_an_entity():
    out = safe("a&b", 4)  # "a&amp;b" cut to 3 + ellipsis would leave "a&a…"
    assert out == "a…"
