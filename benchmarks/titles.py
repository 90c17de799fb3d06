"""Checks that a headline reads as a headline, for benchmarks/quality.py.

Each check is one general English pattern of text that is not a headline or
not yet a good one: page furniture carried into the title (datelines, agency
markers, bylines, timestamps, section separators), a truncation mark, an
unresolved pronoun at the start, date words (a headline's date is shown
beside it), a length no headline has. `is_reader_comment` recognises the
furniture of comment threads, used on key events' titles and summaries.
"""

from __future__ import annotations

import re

WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
WEEKDAY_ABBR = "Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun"
MONTHS = "January|February|March|April|June|July|August|September|October|November|December"
MONTH_ABBR = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
PRONOUNS = frozenset(
    "he she it they we i you him them us me his her hers its their theirs our ours my mine your yours "
    "this that these those".split())

_DATELINE = [
    # "GENEVA (Reuters) -", "(AP) —": a parenthesised source after a capitalised place or at the start
    re.compile(r"(?:^|\b[A-Z]{2,}[A-Z .,']*\s)\(\s*[A-Z][A-Za-z.&' ]{0,24}\)\s*[-–—]"),
    re.compile(r"^[A-Z]{2,}(?:[ ,.'-]+[A-Z]{2,})*(?:,\s*[A-Z][A-Za-z.]*(?:\s+\d{1,2})?)?\s*[-–—]\s"),  # "LONDON -"
    re.compile(r"\((?:Reuters|AP|AFP|UPI|PA|dpa|DPA|Xinhua|Bloomberg|CNN|BBC)\)"),  # agency markers anywhere
    re.compile(r"^\s*By\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}\s*(?:$|[|,;:–—-]|\s(?:and|in|for)\s)"),  # byline
    re.compile(r"\bPosted by\b|\b(?:Posted|Published|Updated|Last updated|Filed)(?:\s+(?:on|at))?\s*:"),
    re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?(?![a-z])|\b(?:GMT|BST|UTC|UK|ET|EST|EDT|CET|CEST|PT|PST|PDT)\b)",
               re.I),  # "2:08 PM ET", "15:13 UK time"
    re.compile(r"\b\d{1,2}:\d{2}\b"),  # any clock time
    re.compile(rf"\|\s*(?:{WEEKDAYS}|{WEEKDAY_ABBR})\b"),  # "Geneva | Tue"
    re.compile(r"\s\|\s|^\||\|$"),  # a section separator: "Name | 15:13", "World news | Site"
    # a dateline without the agency in brackets: "NEW ORLEANS -- ", "AP HOUSTON — ", "La/HOUSTON - "
    re.compile(r"(?:^|\b(?:AP|Reuters|AFP|via)\s)[A-Z][A-Za-z.]*(?:[ ,/]+[A-Z]{2,}[A-Z.]*)*\s*(?:--|—)\s"),
    re.compile(r"^(?:[A-Z][A-Za-z.]*,?\s+)*[A-Z][A-Za-z.]*/[A-Z]{2,}[A-Z ]*\s+-\s"),
    # a photo credit left at the start: "Monsivais/AP Shares ...", "AP Nine new cases ...", "Reuters The gusher"
    re.compile(r"^(?:[A-Z][\w.'’-]*\s){0,3}?[\w.'’-]*/(?:AP|Reuters|AFP|Getty Images|EPA|PA)\b"),
    re.compile(r"^(?:AP|PA|Reuters|AFP|EPA)\s+[A-Z][a-z]"),
]

_MONTH = f"(?:{MONTHS}|May)"
_DATE_WORDS = [
    re.compile(rf"\b(?:{WEEKDAYS})\b"),
    # a month name where it is a date (not "the Long March", "May said", "the verb may"):
    re.compile(rf"\b{_MONTH}\s+\d{{1,4}}\b"),  # "June 11", "June 2009"
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b"),  # "11 June", "11th of June"
    re.compile(rf"\b(?i:in|on|since|by|until|till|before|after|during|from|through|early|mid|late|last|next|this|that"
               rf"|each|every)[- ]{_MONTH}\b"),  # "in June", "mid-June"
    re.compile(rf"\b{_MONTH}['’]s\b"),  # "June's summit"
    re.compile(rf"\b(?:{MONTH_ABBR})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{MONTH_ABBR})\b"),  # "Jun 29", "29 Jun"
    re.compile(r"\b(?:yesterday|today|tonight|tomorrow|overnight)\b", re.I),
    re.compile(r"\b(?:last|next|this|past|coming|previous|following)\s+(?:week|weekend|month|year|decade|century|"
               r"morning|afternoon|evening|night|spring|summer|autumn|fall|winter)\b", re.I),
    re.compile(r"\b(?:earlier|later)\s+(?:this|that|in the)\s+(?:week|month|year|day)\b", re.I),
    re.compile(r"\b(?:days?|weeks?|months?|years?|decades?)\s+ago\b", re.I),
    # a year or a decade (1968, 2009, 1990s), not an amount ("$2000", "2000-mile")
    re.compile(r"(?<![$£€\d,.])\b(?:1[89]|20)\d\d(?:s)?\b(?!-[a-z])"),
]

_COMMENT = [
    re.compile(r"\b(?:wrote|writes)\s*:"),  # "At 2:10 pm on 02 Jun 2009, ghost wrote:"
    re.compile(r"\bPosted by\b"),
    re.compile(r"\bReport abuse\b", re.I),
    re.compile(r"\b(?:this|your|a|the) comment (?:was removed|has been removed|on this post)\b", re.I),
    re.compile(r"\bcomment on this (?:post|article|story|blog)\b", re.I),
    re.compile(r"\bhouse rules\b|\b(?:removed|deleted) by (?:a |the )?moderators?\b", re.I),
    re.compile(r"\bRecommend\s*\(\d+\)|\bReply\s*\|", re.I),
]

# A word: letters or digits, with inner apostrophes, dots, hyphens, and a
# thousands comma ("31,000" is one word, as it is to a reader).
_WORD = re.compile(r"[^\W_](?:(?:[\w'’.-]|(?<=\d),(?=\d{3}))*[^\W_])?")


def words(title: str) -> list[str]:
    """The title's words (tokens with a letter or digit)."""
    return _WORD.findall(title)


def has_dateline_or_byline(title: str) -> bool:
    """A dateline, agency marker, byline, timestamp or section separator
    ("GENEVA (Reuters) -", "By Jane Doe", "15:13 UK time", "| Tue")."""
    return any(p.search(title) for p in _DATELINE)


def has_ellipsis(title: str) -> bool:
    """A truncation or omission mark ("…", "...")."""
    return "…" in title or "..." in title


def starts_with_pronoun(title: str) -> bool:
    """Starts with a personal, possessive or demonstrative pronoun ("He said",
    "Their plan", "This was"): the headline does not say who. "US" and
    other all-capital words are names, not pronouns (except "I")."""
    w = words(title.lstrip("\"'“‘( "))
    if not w:
        return False
    first = re.split(r"['’]", w[0])[0]  # "It's" -> "It", "I'm" -> "I"
    return first == "I" or (first.lower() in PRONOUNS and not first.isupper())


def has_date_words(title: str) -> bool:
    """Weekday or month names, relative dates ("yesterday", "last week",
    "two days ago"), years and decades."""
    return any(p.search(title) for p in _DATE_WORDS)


_FRAGMENT_OPENINGS = frozenset(
    "which who whom whose that where when while since after before as because although though if and but or "
    "so yet in on at ahead during from with by of to up down via amid".split())


_QUANTITY_OPENING = re.compile(r"(?i)(?:at least|at most|as many as|as much as|as few as|up to)\s")


def starts_as_fragment(title: str) -> bool:
    """Starts with a relative word, a conjunction or a preposition ("In a
    news conference", "Up from nearly 9,000", "Where health officials
    believe..."): a piece of a sentence, not a headline."""
    w = words(title.lstrip("\"'“‘( "))
    if _QUANTITY_OPENING.match(title.lstrip("\"'“‘( ")):
        return False  # "At least 91 cases were confirmed": a quantity, not a preposition
    return bool(w) and w[0].lower() in _FRAGMENT_OPENINGS and not w[0].isupper()  # "WHO", "US" are names


def bad_length(title: str) -> bool:
    """Under 3 or over 14 words."""
    n = len(words(title))
    return n < 3 or n > 14


def is_reader_comment(text: str) -> bool:
    """The furniture of a reader-comment thread ("X wrote:", "Posted by",
    "Report abuse", "This comment was removed ... house rules")."""
    return any(p.search(text) for p in _COMMENT)


TITLE_CHECKS = {
    "dateline_or_byline": has_dateline_or_byline,
    "ellipsis": has_ellipsis,
    "starts_with_pronoun": starts_with_pronoun,
    "date_words": has_date_words,
    "under_3_or_over_14_words": bad_length,
    "starts_as_fragment": starts_as_fragment,
}


def failed_checks(title: str) -> list[str]:
    """The names of the checks the title fails."""
    return [name for name, check in TITLE_CHECKS.items() if check(title)]


def is_furniture(text: str) -> bool:
    """Text that is page furniture rather than a report: a dateline, byline,
    timestamp or comment-thread mark."""
    return has_dateline_or_byline(text) or is_reader_comment(text)
