"""Events from the seed articles: the named events, merging, non-events, titles."""

import re

import pytest

from generator.temporal import calendar


def quotes(e):
    return [q for s in e.sources for q in s.quotes]


def test_sources_are_distinct_articles(events):
    for e in events:
        assert len({s.article for s in e.sources}) == len(e.sources)
        assert all(s.quotes for s in e.sources)


@pytest.fixture(scope="module")
def events(seed_site):
    result, _ = seed_site
    return result.events


def _find(events, date_prefix, *words):
    hits = [e for e in events if e.date.startswith(date_prefix)
            and all(w.lower() in (e.title + " " + e.summary).lower() for w in words)]
    assert hits, f"no event {date_prefix} with {words}: {[(e.date, e.title) for e in events]}"
    return hits


def test_spief_forum_may_2018(events):
    (e,) = _find(events, "2018-05", "St Petersburg International Economic Forum")
    assert e.date == "2018-05" and e.precision == "month"


def test_vladivostok_summit_is_one_event_citing_both_articles(events):
    hits = [e for e in events if any("Eastern Economic Forum" in q.sentence for q in quotes(e))
            and any("Xi" in q.sentence for q in quotes(e))]
    assert len(hits) == 1
    e = hits[0]
    assert e.date == "2018-09-11" and e.precision == "day"
    assert {s.article[:10] for s in e.sources} == {"2018-09-12", "2018-09-17"}
    assert {q.value for q in quotes(e)} >= {"2018-09-11", "2018-W37"}
    assert {"Vladimir Putin", "Xi Jinping", "Vladivostok"} <= set(e.entities)


def test_pompeo_visit(events):
    hits = [e for e in events if e.date == "2019-05-14"]
    assert len(hits) == 1, [(e.title) for e in hits]
    assert "Pompeo" in hits[0].title and "Mike Pompeo" in hits[0].entities
    assert len(hits[0].sources) == 1 and len(quotes(hits[0])) == 3  # one article, three sentences about Tuesday


def test_mongolia_trip(events):
    (e,) = _find(events, "2024-09", "Mongolia")
    assert e.date == "2024-09" and "flew to Mongolia" in e.title


@pytest.mark.parametrize("date_value,words", [
    ("2018-06-01", ["Shaikh Mohammad"]),           # met in Moscow on Friday
    ("2018-09-10", ["Abe", "peace treaty"]),        # On Monday / Last Monday (two articles)
    ("2018-W38", ["summit", "Seoul"]),              # next week's / this week's summit
    ("2018-06", ["Singapore summit"]),              # June's Singapore summit
    ("2018-06", ["Moon Jae-in"]),                   # "after he met with Moon Jae-in ... in June" (not a projection)
    ("2018-09-17", ["ended"]),                      # war games ended today
    ("2018-W37", ["war games"]),                    # taking place this week
    ("2019-05-13", ["Wang Yi", "Sochi"]),           # Monday in Sochi
    ("2024-06", ["North Korea"]),                   # June trip to the DPRK
    ("2024-07", ["payment systems"]),               # July of this year
    ("2024-04", ["terrorist attack"]),              # the April attack
])
def test_other_seed_events(events, date_value, words):
    _find(events, date_value, *words)


def test_a_photo_caption_is_not_an_event(events):
    """The italic caption under the seed's photo ("... chairs a meeting ... on
    May 31, 2018") is furniture: kept on the article page, never an event."""
    assert not [e for e in events if e.date == "2018-05-31"]


def test_cross_article_merges(events):
    two = {e.date: e for e in events if len({s.article for s in e.sources}) >= 2}
    assert {"2018-09-11", "2018-09-10", "2018-W38", "2018-06"} <= set(two)
    moon = [e for e in events if any("Moon Jae-in" in q.sentence for q in quotes(e))]
    assert len(moon) == 1 and len({s.article for s in moon[0].sources}) == 2


def test_projections_states_and_spans_are_not_events(events):
    expressions = {q.expression for e in events for q in quotes(e)}
    for not_event in ("mid-2020s", "2024", "coming years", "1999", "2014", "February 2022", "currently"):
        assert not_event not in expressions, not_event


def test_titles_are_headlines(events):
    for e in events:
        assert 3 <= len(e.title.split()) and len(e.title) <= 101, e.title
        assert not re.match(r"^(However|For instance|For example|Yet|And|Moreover)\b", e.title), e.title
        assert not re.search(r"\b(on|in|last|this|next|of|the|and|at)$", e.title), e.title
        assert not re.search(r"\b(last|this|next) (week|month|year)\b|\bon (Monday|Tuesday|Friday)\b", e.title), e.title


def test_event_dates_are_the_most_precise_consistent_value(events):
    for e in events:
        for q in quotes(e):
            assert q.value == e.date or calendar.contains(q.value, e.date), (e.date, q.value)


def test_entities_are_folded_and_clean(events):
    names = {n for e in events for n in e.entities}
    assert "Putin" not in names and "Mr Putin" not in names and "Vladimir Putin" in names
    assert "Vladivostock" not in names
    for bad in ("However", "Tuesday", "June", "Russian", "The"):
        assert bad not in names


def test_names_outside_the_clause_get_pages_but_stay_off_the_card(seed_site):
    """ "Putin met in Moscow on Friday with ..., Abu Dhabi Crown Prince": the
    card lists the names of the clause the date dates; the event page and
    the entity pages take every name of the sentences the event quotes."""
    result, out = seed_site
    (e,) = [e for e in result.events if e.date == "2018-06-01" and "Putin" in e.title]
    assert "Abu Dhabi" not in e.entities and "Abu Dhabi" in e.named
    assert set(e.entities) <= set(e.named)
    place = (out / "places" / "abu-dhabi" / "index.html").read_text(encoding="utf-8")
    assert f"/events/{e.id}/" in place
    page = (out / "events" / e.id / "index.html").read_text(encoding="utf-8")
    assert 'href="/places/abu-dhabi/"' in page
    cards = [m.group(1) for f in sorted(out.rglob("*.html"))
             for m in re.finditer(rf'id="e-{re.escape(e.id)}"[^>]*data-entities="([^"]*)"',
                                  f.read_text(encoding="utf-8"))]
    assert cards and all("Abu Dhabi" not in c.split("|") and "Vladimir Putin" in c.split("|") for c in cards)


def test_a_surname_alone_is_the_person_the_article_names_in_full(seed_site):
    """ "Putin met last month with Macron and Merkel": the article names them
    in full elsewhere ("French President Emmanuel Macron"), so the event's
    page links their pages; "Abe and Lee" likewise ("Prime Minister Lee
    Nak-yeon": a surname first)."""
    result, out = seed_site
    named = {n for e in result.events for n in e.named}
    assert {"Emmanuel Macron", "Angela Merkel", "Shinzo Abe", "Lee Nak-yeon"} <= named
    assert not {"Macron", "Merkel", "Abe", "Lee"} & named
    assert (out / "people" / "angela-merkel" / "index.html").exists()


def test_an_event_slug_does_not_end_in_a_function_word():
    from generator.corpus.merge import slug_base

    assert slug_base("2018-06", "Putin met with Moon Jae-in Moscow in a bid") == \
        "2018-06-putin-met-with-moon-jae-in-moscow"
    assert slug_base("2013", "Agreement to remove these stockpiles from the country") == \
        "2013-agreement-to-remove-these-stockpiles"
    assert slug_base("2018-09-11", "Putin met Xi in Vladivostok") == "2018-09-11-putin-met-xi-in-vladivostok"
