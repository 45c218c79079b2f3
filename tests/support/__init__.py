"""Helpers the tests share: reading what the bot sent, asking it things over Slack's wire,
counting rows, and the pieces pure policy tests build on."""
