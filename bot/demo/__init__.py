"""``hirebot demo``: the whole scheduling story on this machine, with no Slack account.

The real app (the same ASGI app ``hirebot serve`` runs) is driven over Slack's wire: commands and
form submissions are signed and posted to it as Slack would, and its Web API calls travel over
HTTP to the fake Slack on loopback, which records them. A simulated clock fixes "now", and a
throwaway SQLite database lives in a temporary directory. The transcript shows what each person
would see in Slack, in their own time zone.

- ``cast``: the simulated clock, the candidates' panels and who sits on them;
- ``story``: what the stories share (the stage, the tally, the moves on Slack's wire);
- ``before_the_panel``, ``after_the_panel``: one story each;
- ``runner``: plays the stories in order and prints the transcript and the summary line.
"""

from bot.demo.runner import STORIES, run_demo

__all__ = ["STORIES", "run_demo"]
