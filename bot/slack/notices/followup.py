"""Block Kit for the follow-up notices (``bot.followup.notices``): the feedback ask and its
escalation, the decision summary, the ask to update the candidate, and the candidate waiting.

All user text goes through ``safe``; times are in the reader's zone.
"""

from __future__ import annotations

from bot.followup.labels import OUTCOME_LABELS, RECOMMENDATION_LABELS
from bot.followup.notices import (
    CandidateUpdateAsk,
    CandidateWaiting,
    DecisionAsk,
    FeedbackAsk,
    FeedbackEscalation,
)
from bot.models import DecisionOutcome
from bot.panels.labels import focus_label
from bot.people import Person
from bot.slack import ids
from bot.slack.blocks import Block, actions, button, context, header, preformatted, section
from bot.slack.pieces import blocker_text, feedback_section, headline
from bot.slack.render import MAX_MESSAGE_BLOCKS, Rendered, render_notice
from bot.slack.text import escape, link, local_time, mention, plural, safe, truncate


@render_notice.register
def _(notice: FeedbackAsk, reader: Person) -> Rendered:
    b = notice.brief
    focus = safe(focus_label(notice.focus_area, notice.focus_detail), 200)
    lead = "Reminder: your feedback" if notice.reminder else "Your feedback, please"
    text = (
        f"{lead} on {b.reference}, {escape(b.candidate_name)}'s interview for"
        f" {escape(b.role_title)}."
    )
    if notice.scorecard is not None:  # the ATS keeps scorecards: write it there
        source, url = notice.scorecard
        return text, [
            section(f":memo: *{lead}* — {headline(b)}\nYour focus was *{focus}*."),
            section(
                f"Write your scorecard in {escape(source)}: {link(url, 'open your scorecard')}."
                " Include the questions you actually asked, so the next round won't repeat them."
            ),
            context(
                f"HireBot sees it once it's in {escape(source)} and stops reminding you;"
                " you'll then see the other panelists' feedback here."
            ),
        ]
    blocks: list[Block] = [
        section(f":memo: *{lead}* — {headline(b)}\nYour focus was *{focus}*."),
        section(
            "Your recommendation, a rating on your focus, the evidence behind it, any concerns,"
            " and the questions you actually asked (the next round won't repeat them)."
        ),
        actions(button("Submit feedback", ids.FEEDBACK_OPEN, str(b.panel_id), style="primary")),
        context(
            "You'll see the other panelists' feedback once yours is in."
            " You can edit yours until the hiring manager decides."
        ),
    ]
    return text, blocks


@render_notice.register
def _(notice: FeedbackEscalation, reader: Person) -> Rendered:
    b = notice.brief
    count = len(notice.missing)
    text = (
        f"{b.reference} ({escape(b.candidate_name)}): feedback missing from {count}"
        f" panelist{'s' if count != 1 else ''}."
    )
    blocks: list[Block] = [section(f":warning: *Feedback missing* — {headline(b)}")]
    for missing in notice.missing[: MAX_MESSAGE_BLOCKS - 3]:
        late = (
            f", {plural(missing.days_overdue, 'business day')} overdue"
            if missing.days_overdue
            else ""
        )
        blocks.append(
            section(
                f"• {mention(missing.user_id)}{late}",
                accessory=button("Excuse", ids.FEEDBACK_EXCUSE, f"{b.panel_id}:{missing.user_id}"),
            )
        )
    blocks.append(
        context(
            "Nudge them, or excuse someone who can't give feedback (left early, replaced):"
            " the decision is asked for once the rest is in."
        )
    )
    return text, blocks


@render_notice.register
def _(notice: DecisionAsk, reader: Person) -> Rendered:
    b = notice.brief
    tally = ", ".join(
        f"{RECOMMENDATION_LABELS.get(x.recommendation, x.recommendation)}" for x in notice.lines
    )
    lead = "Decision reminder" if notice.reminder else "Ready for your decision"
    text = f"{lead}: {b.reference}, {escape(b.candidate_name)} ({tally or 'no feedback'})."
    blocks: list[Block] = [header(f"{lead}: {b.reference}"), section(headline(b))]
    if notice.on_hold:
        blocks.append(section(f":pause_button: On hold: {safe(notice.on_hold, 500)}"))
    room = MAX_MESSAGE_BLOCKS - 8
    for line in notice.lines[:room]:
        blocks.append(feedback_section(line))
    if not notice.lines:
        blocks.append(section("No feedback was given."))
    if notice.excused:
        blocks.append(context("Excused: " + ", ".join(mention(u) for u in notice.excused)))
    if notice.missing:
        blocks.append(context("Still missing: " + ", ".join(mention(u) for u in notice.missing)))
    blocks.append(
        actions(
            *(
                button(
                    OUTCOME_LABELS[o],
                    ids.DECISION_OPEN,
                    f"{b.panel_id}:{o.value}",
                    style="primary" if o is DecisionOutcome.OFFER else None,
                )
                for o in (
                    DecisionOutcome.ADVANCE,
                    DecisionOutcome.OFFER,
                    DecisionOutcome.REJECT,
                    DecisionOutcome.HOLD,
                )
            )
        )
    )
    blocks.append(context("Each asks for a short reason. Hold keeps the decision open."))
    return truncate(text, 3000), blocks


@render_notice.register
def _(notice: CandidateUpdateAsk, reader: Person) -> Rendered:
    b = notice.brief
    outcome = OUTCOME_LABELS.get(notice.outcome, notice.outcome)
    text = (
        f"{b.reference}: {mention(notice.decided_by)} decided *{outcome}* for"
        f" {escape(b.candidate_name)}. Please update the candidate."
    )
    reason = f"\n>{safe(notice.reason, 500)}" if notice.reason else ""
    blocks: list[Block] = [
        section(f":speech_balloon: *Time to update the candidate* — {headline(b)}"),
        section(f"{mention(notice.decided_by)} decided *{outcome}*.{reason}"),
        *_holding(notice.holding_message),
        _updated_button(b.panel_id),
        context("Only telling the candidate stops their clock; internal steps don't."),
    ]
    return text, blocks


@render_notice.register
def _(notice: CandidateWaiting, reader: Person) -> Rendered:
    b = notice.brief
    late = plural(notice.days_overdue, "business day") + " past" if notice.days_overdue else "at"
    text = (
        f"{escape(b.candidate_name)} ({b.reference}) hasn't heard from us since"
        f" {local_time(notice.since, reader.tz)}: {late} the update deadline."
    )
    what = "\n".join(f"• {blocker_text(x)}" for x in notice.blockers) or "• nothing internal"
    lead = (
        ":rotating_light: *Stalled candidate*"
        if notice.escalation
        else ":hourglass: *Candidate waiting*"
    )
    blocks: list[Block] = [
        section(f"{lead} — {headline(b)}\n{text}"),
        section(f"*What blocks*\n{what}"),
    ]
    if notice.escalation:
        blocks.append(
            context(
                f"Recruiter {mention(notice.recruiter_id)} and hiring manager"
                f" {mention(notice.hiring_manager_id)} have been nudged daily."
            )
        )
    if reader.id == notice.recruiter_id:
        blocks += [*_holding(notice.holding_message), _updated_button(b.panel_id)]
    return truncate(text, 3000), blocks


def _holding(message: str) -> list[Block]:
    """A draft telling the candidate it takes longer, when the notice carries one."""
    if not message:
        return []
    return [
        section("*A holding message for the candidate* (edit and send it yourself)"),
        preformatted(message),
    ]


def _updated_button(panel_id: int) -> Block:
    return actions(
        button(
            "I've updated the candidate", ids.CANDIDATE_UPDATED_OPEN, str(panel_id), style="primary"
        )
    )
