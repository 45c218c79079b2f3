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


_S = r"\s+(?:\w+\s+){0,3}"  # a space and up to three words in between

INTENTS: tuple[Intent, ...] = (
    Intent(
        "introduce",
        "the candidate's background",
        (
            r"\b(?:tell|talk) (?:me|us) (?:a (?:little|bit) )?(?:more )?about yourself\b",
            r"\bintroduce yourself\b",
            r"\b(?:walk|take|talk) (?:me|us) through your (?:background|cv|resume|career"
            r"|experience so far)",
            r"^(?:so )?(?:tell|talk) (?:me|us) about your (?:background|career so far)\b",
            r"\b(?:overview|summary|rundown|story) of your (?:background|career)\b",
            r"\b(?:overview|summary) of your career so far\b",
            r"\byour (?:career )?(?:story|path)\b",
            r"\bwho (?:are you|you are)\b",
            r"\b(?:two|2|one|1|30)[ -]?(?:minute|min|second) (?:version|summary|pitch|intro)\b"
            r"(?!.*\b(?:product|company|business)\b)",
            r"\bget to where you are\b",
            r"\bsum up your background\b",
        ),
    ),
    Intent(
        "start_date",
        "the start date",
        (
            r"\bstart(?:ing)? date\b",
            r"\bwhen (?:can|could|would|will|might|do) (?:you|u) (?:be able to |be available to )?"
            r"(?:start|join|begin)\b",
            r"\b(?:earliest|soonest)\b" + _S + r"(?:start|join|begin|date)",
            r"\bhow (?:soon|quickly) (?:can|could|would) you (?:be able to )?(?:start|join|begin|"
            r"be on board|come on board)",
            r"\bavailab\w* to (?:start|join|begin)\b",
            r"\bwhen (?:are|would) you (?:be )?(?:available|free) to (?:start|join|begin)\b",
            r"\b(?:could|can) you (?:start|join|begin) (?:in|on|by|next|before|straight|right|"
            r"immediately)",
            r"\b(?:january|february|march|april|may|june|july|august|september|october|"
            r"november|december|monday|immediate|asap) start\b",
            r"\bwhen could you begin\b",
        ),
    ),
    Intent(
        "notice_period",
        "the notice period",
        (
            r"\bnotice\b",
            r"\bhow long (?:do|would|will) you (?:need|have) to (?:give|serve|stay)",
            r"\b(?:stay|serve|work) (?:on )?(?:after|once) you (?:resign|hand in)",
            r"\bhow long (?:until|before) you (?:can|could) leave\b",
            r"\bhave to serve at your current\b",
        ),
    ),
    Intent(
        "salary_expectation",
        "salary expectations",
        (
            r"\b(?:salary|pay|compensation|comp|base) (?:expectations?|requirements?|range|wise)\b",
            r"\bexpect\w*\b" + _S + r"(?:salary|pay|compensation|comp|package|base|earn|paid)\b",
            r"\b(?:desired|target|expected|ideal) (?:salary|pay|compensation|comp|package|base)\b",
            r"\b(?:salary|pay|compensation|comp|package|base)\b" + _S + r"(?:are|would|do|will) "
            r"you (?:need|want|expect|hoping|looking|have in mind)",
            r"\b(?:looking|hoping) (?:for|to earn|to make)\b" + _S + r"(?:salary|pay|"
            r"compensation|comp|package|earn|money)",
            r"\b(?:looking|hoping) to (?:earn|make)\b",
            r"\bkind of (?:pay|salary|compensation|package)\b",
            r"\b(?:figure|number|range|amount)\b" + _S + r"(?:in mind|salary|pay|comp|"
            r"compensation|offer)",
            r"\bwhat (?:would|will) it take financially\b",
            r"\bfinancially\b" + _S + r"(?:accept|move|join)",
        ),
    ),
    Intent(
        "current_salary",
        "current pay",
        (
            r"\b(?:current|present|existing|last|previous) (?:salary|pay|compensation|comp|"
            r"package|base|bonus|total comp\w*)\b",
            r"\bwhat (?:are|do) you (?:currently )?(?:earn|earning|make|making|paid|get paid)\b",
            r"\bhow much (?:are|do|did) you (?:currently )?(?:earn|earning|make|making|paid)\b",
            r"\bhow much did your (?:last )?bonus\b",
        ),
    ),
    Intent(
        "commission",
        "commission and OTE",
        (
            r"\bote\b",
            r"\bon[ -]target earnings?\b",
            r"\bcommission\w*",
            r"\bvariable (?:pay|comp\w*|component|portion|element)\b",
            r"\b(?:base|fixed)[ /-](?:to[ -])?(?:variable|commission) split\b",
            r"\baccelerators?\b",
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
            r"\b(?:authori[sz]ed|eligible|entitled|legally (?:able|allowed|permitted)|allowed|"
            r"permitted) to work\b",
            r"\bimmigration\b",
            r"\bgreen card\b",
            r"\bcitizen(?:ship)?\b",
            r"\bresiden(?:cy|t) (?:permit|status)\b",
            r"\bsettled status\b",
        ),
    ),
    Intent(
        "relocation",
        "relocation",
        (
            r"\brelocat\w*",
            r"\b(?:move|moving) (?:to|here|cities|city|countries|country|abroad|for (?:the|this) "
            r"(?:job|role|position))\b",
            r"\bopen to moving\b",
            r"\bwilling to move\b",
            r"\bneed to move\b",
            r"\bbased (?:near|in|close to|within)\b",
            r"\bwhere are you (?:living|based)\b",
            r"\bcommuting distance\b",
        ),
    ),
    Intent(
        "relocation_support",
        "relocation support",
        (
            r"\b(?:help|support|assistance|package|costs?|allowance) (?:with|for)? ?relocat\w*",
            r"\brelocation (?:package|costs?|support|assistance|allowance|budget)\b",
        ),
    ),
    Intent(
        "work_arrangement",
        "remote, hybrid or office work",
        (
            r"\bremote(?:ly)?\b",
            r"\bhybrid\b",
            r"\bwork(?:ing)? from home\b",
            r"\bwfh\b",
            r"\b(?:in|into|from|to) the office\b",
            r"\bin[ -]office\b",
            r"\bon ?site\b",
            r"\bin[ -]person\b(?!.*\b(?:customers?|clients?|prospects?)\b)",
            r"\bdays a week in\b",
            r"\bdays (?:a|per) week (?:in|at|on)\b",
            r"\bcommut(?:e|ing)\b(?! distance)",
        ),
    ),
    Intent(
        "employment_type",
        "full-time, part-time or contract",
        (
            r"\b(?:full|part)[ -]?time\b",
            r"\bcontract(?:or|ing)? (?:role|basis|position|work|or perm\w*|to perm\w*)\b",
            r"\b(?:perm|permanent) (?:role|position|job|contract|employee|basis)\b",
            r"\b(?:permanent|perm) or (?:contract|temp|fixed)",
            r"\b(?:contract|temp|fixed[ -]term|freelance) or (?:perm|permanent|full)",
            r"\bfixed[ -]term\b",
            r"\bfreelanc\w*",
            r"\bemployment type\b",
            r"\bday rate\b",
            r"\b(?:w2|1099)\b",
        ),
    ),
    Intent(
        "travel",
        "travel",
        (
            r"\btravel(?:l?ing)?\b(?! (?:industry|company|app|booking))",
            r"\btrips?\b",
            r"\bon the road\b",
            r"\b(?:away from home|overnight stays?|nights? away)\b",
            r"\bvisit(?:ing)? (?:customers?|clients?|client sites?|sites?)\b",
        ),
    ),
    Intent(
        "hours",
        "working hours and shifts",
        (
            r"\bshifts?\b",
            r"\bweekends?\b",
            r"\bsaturdays?\b|\bsundays?\b",
            r"\bovertime\b",
            r"\bextra hours\b",
            r"\bovernight\b",
            r"\bnights?\b(?! (?:away|stay))",
            r"\bhours (?:a|per) week\b",
            r"\b(?:what|which) hours\b",
            r"\bworking hours\b",
            r"\bearly start\b",
            r"\b\d{1,2} ?(?:am|pm) start\b",
            r"\b\d{1,2} in the (?:morning|evening)\b",
        ),
    ),
    Intent(
        "why_leaving",
        "reasons for leaving",
        (
            r"\bwhy (?:are|were|did|do) you (?:want(?:ing)? to )?(?:leav|left|quit|mov(?:e|ing) "
            r"on|look(?:ing)?(?: around| elsewhere| for)|leaving)",
            r"\breasons? (?:for|behind) (?:leaving|moving on|looking|wanting to leave|the move)",
            r"\b(?:making|prompting|pushing|causing|driving|leading|got) you (?:to )?(?:want to )?"
            r"(?:leave|look|move|change|consider(?:ing)? (?:a move|leaving)|explor)",
            r"\bwhat (?:makes|made|is making|prompted|is prompting|pushed|drives|led) you "
            r"(?:to )?(?:want to )?(?:decide to )?(?:leave|look|move on|start looking|consider)",
            r"\bwhy (?:now|the change|change jobs?|a change|a move)\b",
            r"\bwhat (?:is|has) changed at your (?:current|last) (?:place|company|job|role)\b",
            r"\bwhy (?:do|did) you want (?:a|to) (?:new job|change|move)\b",
            r"\bleav\w* your (?:current |last |previous )?(?:job|role|company|employer|"
            r"position|team)",
            r"\bwhy (?:did|have) you (?:decide(?:d)? to )?(?:leave|left|quit)\b",
            r"\bon the (?:job )?market\b",
            r"\b(?:open to|exploring|looking at) (?:a )?new (?:opportunities|roles?|jobs?)\b",
            r"\blook(?:ing)? for a new (?:role|job|position)\b",
            r"\bconsider(?:ing)? a move\b",
        ),
    ),
    Intent(
        "why_company",
        "why this company",
        (
            r"\bwhy (?:do you want to |would you like to |are you (?:interested|excited) (?:in|"
            r"about) )?(?:work(?:ing)? (?:here|for us|with us|at)|join(?:ing)? (?:us|our|"
            r"the company|this company|the team here))\b",
            r"\bwhy (?:us|our company|this company)\b",
            r"\bwhat (?:attracts|attracted|draws|drew|is drawing|excites|appeals to|interests) you "
            r"(?:to|about) (?:us|our company|this company|the company|working (?:here|with us|for "
            r"us))\b",
            r"\bwhat do you know about (?:us|our company|this company|the company|what we do)\b",
            r"\bdrawing you to us\b",
            r"\bwhat excites you about (?:us|this company|our company|the company)\b",
            r"\binterested in working (?:for|with|at) us\b",
            r"\bwhat made you (?:want to )?apply (?:here|to us|to our company|with us)\b",
        ),
    ),
    Intent(
        "why_role",
        "why this role",
        (
            r"\bwhy (?:did you apply|have you applied|are you applying)\b(?! here)",
            r"\bwhy (?:this|the) (?:particular )?(?:role|job|position|opening)\b",
            r"\bwhy do you want (?:this|the) (?:particular )?(?:role|job|position)\b",
            r"\bwhy (?:are you|were you) interested in (?:this|the) (?:role|job|position)\b",
            r"\bwhat (?:interests|interested|attracts|attracted|excites|appeals to|draws|drew) "
            r"you (?:to|about|in) (?:this|the) (?:role|job|position|opening)\b",
        ),
    ),
    Intent(
        "other_processes",
        "other interviews and offers",
        (
            r"\bother (?:offers?|interviews?|processes|hiring processes|opportunities|companies)\b",
            r"\binterviewing (?:anywhere |somewhere )?(?:else|elsewhere|with other)\b",
            r"\b(?:where|who) else are you (?:interviewing|talking|applying|in process)\b",
            r"\btalking to anyone else\b",
            r"\b(?:any|other) (?:competing|pending) offers?\b",
            r"\boffers? (?:from other|you(?: are)? holding|on the table)\b",
            r"\bhow far along are you\b",
            r"\bwhere are you in (?:other|your other) processes\b",
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
            r"\bworst at\b",
            r"\barea(?:s)? (?:for|of|to|you (?:want|would like|need) to) (?:improve|improvement|"
            r"grow|growth|develop)\b",
        ),
    ),
    Intent(
        "strength",
        "strengths",
        (
            r"\b(?:your|greatest|biggest|main|key) strengths?\b",
            r"\bstrongest (?:skill|quality|attribute|asset)\b",
            r"\bwhat are you (?:best|really good|good) at\b",
            r"\bbest at\b",
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
        "references",
        (
            r"\breferences?\b(?! (?:architecture|implementation|data|check))",
            r"\breferees?\b",
            r"\b(?:contact|speak to|talk to|call) (?:your|a) (?:former|previous|last|current) "
            r"(?:manager|employer|boss)",
            r"\bwho (?:can|could|would) vouch\b",
        ),
    ),
    Intent(
        "background_check",
        "background checks",
        (
            r"\bbackground (?:check|screening|verification)s?\b",
            r"\bcriminal (?:record|background|conviction)s?\b",
            r"\bconvictions?\b",
            r"\bdbs\b",
            r"\bcredit check\b",
            r"\bdrug (?:test|screen)\w*",
            r"\bpre[ -]?employment (?:check|screening)s?\b",
            r"\bsecurity (?:clearance|vetting)\b",
            r"\bvetting\b",
        ),
    ),
    Intent(
        "employment_gap",
        "the gap in the CV",
        (
            r"\bgaps? (?:in|on) your (?:cv|resume|employment|career|work history)\b",
            r"\bgap in (?:19|20)\d\d\b",
            r"\btime (?:off|out) between (?:jobs|roles)\b",
            r"\bwhat (?:were|have) you (?:been )?do(?:ing)? since (?:you left|leaving)\b",
        ),
    ),
)

# Phrasings that turn a screening topic into a different ask: the candidate's past ("how much
# travel did your last role involve"), designing or managing the thing for others ("how do
# you design a fair rotating shift pattern"), or a deadline other than the start. A question
# with one of these does not ask the logistics question its topic suggests.
_OTHER_ASK = re.compile(
    r"\b(?:did|does) (?:your|the) (?:last|current|previous|old) (?:role|job|position|team)\b"
    r"|\bhave you (?:ever )?(?:managed|designed|run|led|built|set up)\b"
    r"|\bhow (?:do|would) you (?:design|plan|organi[sz]e|schedule|run|manage|build)\b"
    r"|\b(?:latest|last) possible\b|\bpush (?:it|that) back\b"
    r"|\b(?:before that|the one before|prior to that)\b"
    r"|\b(?:rank|compare) us\b|\bcounter[ -]?offer\b"
    r"|\bpaid as\b|\btime off in lieu\b"
    r"|\bbuy (?:you )?out\b|\bshorten\b|\bcurrently serving\b|\bnon[ -]?compete\b"
    r"|\brather than\b|\binstead of\b"
)

_COMPILED = tuple((intent.key, re.compile("|".join(intent.patterns))) for intent in INTENTS)
LABELS = {intent.key: intent.label for intent in INTENTS}


@lru_cache(maxsize=16384)
def intents(question: str) -> frozenset[str]:
    """The keys of every intent whose patterns match the question, plus ``other_ask`` when
    it asks something else about that topic (see ``_OTHER_ASK``)."""
    text = clean(question)
    found = {key for key, pattern in _COMPILED if pattern.search(text)}
    if found and _OTHER_ASK.search(text):
        found.add(OTHER_ASK)
    return frozenset(found)


OTHER_ASK = "other_ask"
