"""benchmarks/titles.py: the headline checks of benchmarks/quality.py, each on
titles it must flag and on good headlines it must leave alone. The furniture
examples are shapes found in Timeline17's articles (Reuters datelines, BBC
blog stamps, comment threads)."""

from __future__ import annotations

import pytest

from benchmarks.titles import (
    bad_length,
    failed_checks,
    has_date_words,
    has_dateline_or_byline,
    has_ellipsis,
    is_furniture,
    is_reader_comment,
    starts_as_fragment,
    starts_with_pronoun,
)

GOOD = [
    "WHO declares swine flu a global pandemic",
    "Putin and Xi deepen ties at the Eastern Economic Forum in Vladivostok",
    "US and China agree on vaccine trials",
    "Singapore summit between Trump and Kim",
    "BP caps the leaking well with a new containment dome",
    "Obama signs the stimulus bill",
    "Mexico closes schools as flu deaths rise",
    "The failure of the Long March by Pakistan's lawyers",
    "Putin may visit Tokyo",
    "A $400 billion gas deal and a 2000-mile pipeline",
    "World Health Organization (WHO) raises alert level",
]


@pytest.mark.parametrize("title", GOOD)
def test_good_headlines_pass_every_check(title):
    assert failed_checks(title) == []
    assert not is_furniture(title)


@pytest.mark.parametrize("title", [
    "Geneva | Tue GENEVA (Reuters) - WHO raises alert",
    "MEXICO CITY (Reuters) - A strain of flu never seen before has killed people",
    "LONDON - Health officials confirmed two cases",
    "WASHINGTON, May 8 - Obama speaks",
    "Flu spreads (AP) - officials",
    "By Jane Doe",
    "By Chris Cillizza | The Fix",
    "Richard Cable | 15:13 UK time",
    "Experts are concerned 2:08 PM ET",
    "Swine flu latest | guardian.co.uk",
    "Posted by: raynetherwood",
    "Last updated: WHO statement",
    "NEW ORLEANS -- Robotic submarines removed a leaking cap",
    "AP NEW ORLEANS -- BP's chairman said that Tony Hayward is on his way out",
    "Via AP NEW ORLEANS -- BP's work to cap its Gulf",
    "La/HOUSTON - The U.S. government threatened to remove BP",
    "Monsivais/AP Shares in BP plunged as much as 20%",
    "AP Nine new cases of swine flu were confirmed in the UK",
    "Reuters The gusher in the Gulf of Mexico returned to full force",
])
def test_datelines_bylines_and_timestamps(title):
    assert has_dateline_or_byline(title)


@pytest.mark.parametrize("title", [
    "WHO publishes guidance published on the web",  # "published" as a verb
    "Report updated by the health ministry",
    "Vote passed 3.5 percent",
    "By the end of the month the wells were capped",
])
def test_datelines_not_confused_with_prose(title):
    assert not has_dateline_or_byline(title)


@pytest.mark.parametrize("title, expected", [
    ("The Chinese president asserted that relations are at “the highest level… the most…”", True),
    ("Abe and Putin made further moves toward a peace treaty...", True),
    ("Abe and Putin made further moves toward a peace treaty", False),
    ("Prices fell 3.5 percent", False),
])
def test_ellipsis(title, expected):
    assert has_ellipsis(title) is expected


@pytest.mark.parametrize("title, expected", [
    ("He said the virus was spreading", True),
    ("It was about some scientists", True),
    ("It's over for the airline", True),
    ("I'm Fergus Walsh", True),
    ("They agreed to close the border", True),
    ("Their plan was rejected", True),
    ("This has played well domestically for him", True),
    ("“We can say it is not catastrophic”", True),
    ("US closes its embassy", False),  # the country, not "us"
    ("IT firms hire again", False),
    ("Italy confirms first case", False),
    ("Theresa May meets Merkel", False),
    ("Heathrow screens passengers", False),  # starts with "He" but is not "He"
])
def test_starts_with_pronoun(title, expected):
    assert starts_with_pronoun(title) is expected


@pytest.mark.parametrize("title, expected", [
    ("Putin met Xi on Tuesday", True),
    ("WHO declared a pandemic in June", True),
    ("June's Singapore summit between Trump and Kim", True),
    ("Talks set for 11 June", True),
    ("Talks collapsed mid-May", True),
    ("Storm hits coast Jun 29", True),
    ("NHS Greater Glasgow said tonight that her son died", True),
    ("Ministers met last week", True),
    ("The plan was agreed later this month", True),
    ("The strike began two days ago", True),
    ("The last flu pandemic was in 1968", True),
    ("The 1990s boom in air travel", True),
    ("The failure of the Long March", False),  # a name, not the month
    ("Putin may visit Tokyo", False),  # the verb
    ("May meets Merkel", False),  # the name
    ("One in 1000 patients died", False),  # a number, not a year
    ("A 2000-mile pipeline and a $2010 fee", False),
    ("Ten days of talks", False),
])
def test_date_words(title, expected):
    assert has_date_words(title) is expected


@pytest.mark.parametrize("title, expected", [
    ("Pandemic declared", True),  # 2 words
    ("WHO declares pandemic", False),
    ("Deaths", True),
    ("Ceasefire", True),
    ("One two three four five six seven eight nine ten eleven twelve thirteen fourteen", False),
    ("One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen", True),
    ("Kim Jong-un and Moon Jae-in meet", False),  # hyphenated names are one word each
    # a number with a thousands comma is one word
    ("A collision of two oil tankers off South Africa released 31,000 tonnes of oil", False),
    ("Paisley, Glasgow, Leeds, York, Hull, Bath, Ely, Wells, Ripon, Derby, Truro, Exeter, Bristol, Dundee", False),
    ("Ayr, Glasgow, Leeds, York, Hull, Bath, Ely, Wells, Ripon, Derby, Truro, Exeter, Bristol, Dundee, Perth", True),
])
def test_length(title, expected):
    # under 3 or over 14 words
    assert bad_length(title) is expected


@pytest.mark.parametrize("text, expected", [
    ("At 2:10 pm on 02 Jun 2009, ghostofsichuan wrote: As much as the Chinese government wishes", True),
    ("Posted by: oneStarMan | June 24, 2010 11:13 AM | Report abuse", True),
    ("This comment was removed because the moderators found it broke the House Rules.", True),
    ("posted on Thursday, 28 May 2009 | comment on this post Ok guys.", True),
    ("The moderators of the debate asked about the spill", False),
    ("He wrote a letter to the minister", False),
    ("The minister replied to the comment", False),
])
def test_reader_comments(text, expected):
    assert is_reader_comment(text) is expected


@pytest.mark.parametrize(("title", "expected"), [
    ("In a news conference", True),
    ("Up from nearly 9,000 and 17 deaths", True),
    ("Where health officials believe the virus was spotted", True),
    ("Ahead of the scheduled start time", True),
    ("WHO declares swine flu a global pandemic", False),
    ("Inhabitants of the capital spoke of their frustration", False),
    ("“Today there are almost 3,000 cases,” she said", False),
    ("At least four million gallons have leaked from the well", False),
])
def test_starts_as_fragment(title, expected):
    assert starts_as_fragment(title) is expected


def test_failed_checks_names_every_check_that_fails():
    assert failed_checks("He said on Tuesday…") == [
        "ellipsis", "starts_with_pronoun", "date_words"]
    assert failed_checks("Geneva | Tue GENEVA (Reuters) - A strain of flu never seen before has killed up to "
                         "60 people in Mexico…") == [
        "dateline_or_byline", "ellipsis", "under_3_or_over_14_words"]
