import pytest

from bot.panels.grammar import parse, parse_reference


@pytest.mark.parametrize(
    ("text", "name", "panel_id", "argument"),
    [
        ("", "help", None, ""),
        ("new", "new", None, ""),
        ("new  Ada  Lovelace ", "new", None, "Ada  Lovelace"),
        ("NEW Ada", "new", None, "Ada"),
        ("list", "list", None, ""),
        ("status P-12", "status", 12, ""),
        ("status p12", "status", 12, ""),
        ("cancel 7", "cancel", 7, ""),
        ("reschedule P-3", "reschedule", 3, ""),
        ("stalled", "stalled", None, ""),
    ],
)
def test_grammar(text, name, panel_id, argument):
    command = parse(text)
    assert (command.name, command.panel_id, command.argument, command.problem) == (
        name,
        panel_id,
        argument,
        None,
    )


@pytest.mark.parametrize("text", ["P-", "Q-12", "P-1-2", "twelve", "P-1234567890"])
def test_bad_references(text):
    assert parse_reference(text) is None
