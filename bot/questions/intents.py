"""The screening and logistics questions round one covers and panels repeat, by intent.

A recruiter's screen asks a small, well-known set of things: when can you start, what notice
you must give, what salary you expect, whether you need a visa, why you are leaving. People
phrase each of them a dozen ways that share almost no words ("When could you start?" /
"What's your earliest possible start date?"), which defeats any word-overlap score. Each
intent here is a handful of patterns over the question's plain words; two questions that
share an intent very likely ask the same thing, and two that each have an intent but share
none very likely do not (current salary vs expected salary).

The patterns run on ``clean`` text: lower case, contractions expanded, punctuation gone,
British spelling made American. They were written from the intents' everyday phrasings and
checked only against the tuning pairs (``tests/data/questions/README.md``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.questions.normalise import clean


@dataclass(frozen=True)
class Intent:
    key: str
    label: str  # "the start date": fits "both ask about …"
    patterns: tuple[str, ...]


_S = r"(?:\w+ ){0,3}"  # up to three words in between

INTENTS: tuple[Intent, ...] = (
    Intent(
        "introduce",
        "the candidate's background",
        (
            r"\b(?:tell|talk) (?:me|us) (?:a (?:little|bit) )?(?:more )?about yourself\b",
            r"\bintroduce yourself\b",
            r"\b(?:walk|take|talk) (?:me|us) through your (?:background|cv|resume|career"
            r"(?: so far| history)?|experience so far)\b",
            r"^(?:so )?(?:tell|talk) (?:me|us) about your (?:background|career so far)\b",
            r"\b(?:give|tell) (?:me|us) (?:a |an )?(?:quick |brief |short )?(?:overview|summary"
            r"|rundown) of your (?:background|career|experience)\b",
            r"\byour (?:career )?story\b",
            r"\bwho are you\b",
            r"\bsum up your background\b",
        ),
    ),
    Intent(
        "start_date",
        "the start date",
        (
            r"\bstart(?:ing)? date\b",
            r"\bwhen (?:can|could|would|will|might) you (?:be able to |be available to )?"
            r"(?:start|join|begin)\b",
            r"\b(?:earliest|soonest)\b" + _S + r"(?:start|join|begin)",
            r"\bhow (?:soon|quickly) (?:can|could|would) you (?:be able to )?(?:start|join|begin)",
            r"\bavailab\w* to (?:start|join|begin)\b",
            r"\bwhen (?:are|would) you (?:be )?(?:available|free) to (?:start|join|begin)\b",
            r"\bwhen (?:are|would) you (?:be )?available\b(?! for)(?! to (?:talk|meet|speak))",
            r"\b(?:start|join|begin)(?:ing)? (?:with us|here)? ?(?:straight away|right away|"
            r"immediately|next month|soon)\b",
        ),
    ),
    Intent(
        "notice_period",
        "the notice period",
        (
            r"\bnotice period\b",
            r"\b(?:how much|how long a|how long is your|what) notice\b",
            r"\bnotice (?:do|would|will) you (?:have to |need to )?(?:give|serve|need)\b",
            r"\b(?:give|serve|hand in|handing in) (?:your )?notice\b",
            r"\bhow long (?:until|before) you (?:can|could) leave your (?:current )?"
            r"(?:job|role|employer|company)\b",
            r"\bbound by (?:a )?notice\b",
        ),
    ),
    Intent(
        "salary_expectation",
        "salary expectations",
        (
            r"\b(?:salary|pay|compensation|comp) (?:expectations?|requirements?|range|"
            r"are you (?:expecting|looking for|targeting))\b",
            r"\bexpect\w*\b" + _S + r"(?:salary|pay|compensation|package|base|earn|paid|make)\b",
            r"\b(?:desired|target|expected|ideal) (?:salary|pay|compensation|package|base)\b",
            r"\b(?:salary|pay|compensation|package) (?:would|do|will) you (?:need|want|expect|"
            r"be looking for)\b",
            r"\blooking for in (?:terms of )?(?:salary|pay|compensation|package)\b",
            r"\bwhat (?:salary|pay|compensation|number) (?:are|would|do) you\b",
            r"\bwhat (?:would|will) it take\b" + _S + r"(?:financially|salary|pay|money)",
            r"\bwhat (?:figure|number|amount)\b" + _S + r"(?:salary|pay|compensation|in mind)\b",
        ),
    ),
    Intent(
        "current_salary",
        "current pay",
        (
            r"\b(?:current|present|existing|last) (?:salary|pay|compensation|package|base|"
            r"total comp\w*)\b",
            r"\bwhat (?:are|do) you (?:currently )?(?:earn|earning|make|making|paid|get paid)\b",
            r"\bhow much (?:are|do) you (?:currently )?(?:earn|earning|make|making|paid)\b",
        ),
    ),
    Intent(
        "visa",
        "work authorisation",
        (
            r"\bvisas?\b",
            r"\bsponsor(?:ship|ed|ing)?\b",
            r"\bwork (?:authori[sz]ation|permit|rights?)\b",
            r"\bright to work\b",
            r"\b(?:authori[sz]ed|eligible|entitled|legally (?:able|allowed|permitted)|allowed) "
            r"to work\b",
            r"\bimmigration\b",
            r"\bgreen card\b",
            r"\bcitizenship\b",
        ),
    ),
    Intent(
        "relocation",
        "relocation",
        (
            r"\brelocat\w*",
            r"\b(?:move|moving) (?:to|here|cities|city|country|for (?:the|this) (?:job|role))\b",
            r"\bwilling to move\b",
        ),
    ),
    Intent(
        "work_arrangement",
        "remote, hybrid or office work",
        (
            r"\bremote(?:ly)?\b",
            r"\bhybrid\b",
            r"\bwork(?:ing)? from home\b",
            r"\b(?:in|into|from) the office\b",
            r"\bon ?site\b",
            r"\bdays a week in\b",
            r"\bcommut\w*",
        ),
    ),
    Intent(
        "travel",
        "travel",
        (r"\btravel(?:l?ing)?\b(?! (?:industry|company|app|booking))",),
    ),
    Intent(
        "why_leaving",
        "reasons for leaving",
        (
            r"\bwhy (?:are|were|did|do) you (?:want(?:ing)? to )?(?:leav|left|quit|mov(?:e|ing) "
            r"on|look(?:ing)?(?: around| elsewhere| for)|leaving)",
            r"\breasons? (?:for|behind) (?:leaving|moving on|looking|wanting to leave|the move)",
            r"\b(?:making|prompting|pushing|causing|driving|leading) you to (?:want to )?"
            r"(?:leave|look|move|change)",
            r"\bwhat (?:makes|made|is making|prompted|is prompting|pushed|drives|led) you "
            r"(?:to )?(?:want to )?(?:leave|look|move on|start looking|consider leaving)",
            r"\bwhy (?:now|the change|change jobs?|a change|a move)\b",
            r"\bwhy (?:do|did) you want (?:a|to) (?:new job|change|move)\b",
            r"\bleav\w* your (?:current |last |previous )?(?:job|role|company|employer|"
            r"position|team)",
            r"\bwhy (?:did|have) you (?:decide(?:d)? to )?(?:leave|left|quit)\b",
            r"\bon the (?:job )?market\b",
            r"\bopen to (?:a )?new (?:opportunities|roles?|jobs?)\b",
        ),
    ),
    Intent(
        "why_company",
        "why this company",
        (
            r"\bwhy (?:do you want to |would you like to |are you (?:interested|excited) (?:in|"
            r"about) )?(?:work(?:ing)? (?:here|for us|with us|at)|join(?:ing)? (?:us|our|"
            r"the company|this company))\b",
            r"\bwhy (?:us|our company|this company)\b",
            r"\bwhat (?:attracts|attracted|draws|drew|excites|appeals to|interests) you "
            r"(?:to|about) (?:us|our company|this company|the company|working (?:here|with us|for "
            r"us))\b",
            r"\bwhat do you know about (?:us|our company|this company|the company|what we do)\b",
            r"\bwhy (?:do|would) you want to work (?:here|for us|with us)\b",
            r"\bwhat made you (?:want to )?(?:apply|interested) (?:to|at|with) (?:us|our company)\b",
        ),
    ),
    Intent(
        "why_role",
        "why this role",
        (
            r"\bwhy (?:did you apply|have you applied|are you applying)\b",
            r"\bwhat (?:made|makes|prompted|led) you (?:to )?(?:apply|want to apply)\b",
            r"\bwhy (?:this|the) (?:role|job|position|opening)\b",
            r"\bwhy (?:are you|were you) interested in (?:this|the) (?:role|job|position)\b",
            r"\bwhat (?:interests|interested|attracts|attracted|excites|appeals to|draws|drew) "
            r"you (?:to|about|in) (?:this|the) (?:role|job|position|opening)\b",
        ),
    ),
    Intent(
        "other_processes",
        "other interviews and offers",
        (
            r"\bother (?:offers?|interviews?|processes|opportunities|companies|roles you are)\b",
            r"\binterviewing (?:anywhere |somewhere )?(?:else|elsewhere|with other)\b",
            r"\b(?:where|who) else are you (?:interviewing|talking|applying|in process)\b",
            r"\b(?:any|other) (?:competing|pending) offers?\b",
            r"\bhow far along are you\b",
            r"\bin (?:the )?(?:final|late) stages? (?:with|of|at|elsewhere)\b",
        ),
    ),
    Intent(
        "career_goals",
        "long-term career goals",
        (
            r"\bwhere do you see yourself\b",
            r"^(?!.*\b(?:ago|last|past|previous|achiev\w*)\b).*\b(?:five|5|ten|10|three|3) "
            r"years\b",
            r"\b(?:long term|longer term|career) (?:goals?|plans?|aspirations?|ambitions?)\b",
            r"\bwhere (?:do|would) you (?:like|want|hope) (?:your career )?to (?:be|go)\b",
            r"\bwhat (?:do|would) you want to be doing (?:in|by)\b",
        ),
    ),
    Intent(
        "weakness",
        "weaknesses",
        (
            r"\bweak(?:ness|nesses|est|er)?\b",
            r"\barea(?:s)? (?:for|of|to|you (?:want|would like|need) to) (?:improve|improvement|"
            r"grow|growth|develop)\b",
            r"\bwhat (?:do|would) you (?:most )?(?:need|want|like) to (?:improve|work) on\b",
        ),
    ),
    Intent(
        "strength",
        "strengths",
        (
            r"\bstrengths?\b",
            r"\bstrongest (?:skill|quality|attribute|asset)\b",
            r"\bwhat are you (?:best|really good|good) at\b",
            r"\bgreatest (?:asset|quality)\b",
            r"\bsuperpower\b",
        ),
    ),
    Intent(
        "questions_for_us",
        "the candidate's questions for us",
        (
            r"\bquestions? (?:do you have |have you got )?for (?:us|me|the team)\b",
            r"\bis there anything you (?:want|would like) to ask\b",
            r"\banything (?:you would like |you want )?to ask (?:us|me)\b",
        ),
    ),
    Intent(
        "references",
        "references and background checks",
        (
            r"\breferences?\b(?! (?:architecture|implementation|data))",
            r"\bbackground (?:check|screening)\b",
            r"\bcontact your (?:former|previous|last|current) (?:manager|employer|boss)\b",
        ),
    ),
    Intent(
        "employment_gap",
        "the gap in the CV",
        (
            r"\bgaps? (?:in|on) your (?:cv|resume|employment|career|work history)\b",
            r"\btime (?:off|out) between (?:jobs|roles)\b",
            r"\bwhat (?:were|have) you (?:been )?do(?:ing)? since (?:you left|leaving)\b",
        ),
    ),
    Intent(
        "hours",
        "working hours and schedule",
        (
            r"\b(?:full|part) time\b",
            r"\bshifts?\b",
            r"\bweekends?\b",
            r"\bovertime\b",
            r"\bhours (?:a|per) week\b",
            r"\bworking hours\b",
        ),
    ),
)

_COMPILED = tuple((intent.key, re.compile("|".join(intent.patterns))) for intent in INTENTS)
LABELS = {intent.key: intent.label for intent in INTENTS}


@lru_cache(maxsize=16384)
def intents(question: str) -> frozenset[str]:
    """The keys of every intent whose patterns match the question."""
    text = clean(question)
    return frozenset(key for key, pattern in _COMPILED if pattern.search(text))
