import pytest

from bot.slack.text import escape, safe, truncate


def test_escape_control_characters_and_markup():
    assert escape("<!here> & <@U1>") == "&lt;!here&gt; &amp; &lt;@U1&gt;"
    # mrkdwn has no escape for its markup: look-alikes the parser does not read as markup.
    assert escape("*b* _i_ ~s~ `c`") == "∗b∗ ˍiˍ ∼s∼ ˋcˋ"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [("short", 10, "short"), ("exactly10!", 10, "exactly10!"), ("eleven char", 10, "eleven ch…")],
)
def test_truncate(text, limit, expected):
    assert truncate(text, limit) == expected


def test_safe_never_cuts_inside_an_entity():
    out = safe("a&b", 4)  # "a&amp;b" cut to 3 + ellipsis would leave "a&a…"
    assert out == "a…"
