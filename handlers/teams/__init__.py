"""Teams listeners: parse an activity, call the core, answer. No domain logic here."""
