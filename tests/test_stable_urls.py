"""An event's URL does not change when other articles come and go, and every
URL ever published keeps leading to the event that holds its sentences."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from generator.corpus.history import Moved, moved, record
from generator.model import Event
from generator.temporal import calendar
from tests.support import build_site, seed_project

UNRELATED = "---\ntitle: Elsewhere\ndate: 2019-06-01\n---\nFloods hit the coast of Bangladesh on Friday.\n"


def _event(eid: str, keys: tuple[str, ...], value: str = "2018-09-11") -> Event:
    return Event(id=eid, when=calendar.when(value), title="t", summary="s", salience=1.0, entities=(), sources=(),
                 mentions=keys)


def test_an_id_no_longer_published_leads_to_the_event_that_holds_most_of_its_sentences():
    history = record({}, [_event("a", ("x:1", "x:2", "y:1")), _event("b", ("z:1",))])
    now = [_event("c", ("x:1", "x:2")), _event("d", ("y:1",))]
    assert moved(history, now) == [Moved("a", "c", "2018-09-11"), Moved("b", None, "2018-09-11")]
    assert set(record(history, now)) == {"a", "b", "c", "d"}  # the history keeps every id ever published


def _urls(out: Path) -> dict[str, str]:
    return {e["id"]: e["url"] for e in json.loads((out / "events.json").read_text())["events"]}


def _resolves(out: Path, url: str) -> bool:
    page = out / url.lstrip("/") / "index.html"
    return page.is_file()


@pytest.fixture()
def site(tmp_path):
    project = seed_project(tmp_path / "p")
    out = tmp_path / "out"
    build_site(project / "site.toml", output=out, search_index=False)
    return project, out


def test_unrelated_articles_never_rename_an_event(site):
    project, out = site
    before = _urls(out)
    articles = project / "content" / "articles"
    (articles / "2019-06-01-elsewhere.md").write_text(UNRELATED)
    pompeo = next(articles.glob("2019-05-16-*.md"))
    pompeo.write_text(pompeo.read_text().rstrip() + "\n\nOn Monday the ministers met in Kazan.\n")
    build_site(project / "site.toml", output=out, search_index=False)
    after = _urls(out)
    assert set(before) <= set(after)


@pytest.mark.parametrize("change", ["add", "edit", "delete", "merge"])
def test_every_url_of_the_previous_build_still_resolves(site, change):
    project, out = site
    before = _urls(out)
    articles = project / "content" / "articles"
    first = sorted(articles.glob("*.md"))[1]
    if change == "add":
        (articles / "2018-09-01-early.md").write_text(
            "---\ntitle: Early report\ndate: 2018-09-01\n---\nPutin and Xi will meet in Vladivostok on "
            "Tuesday, September 11, at the Eastern Economic Forum.\n")
    elif change == "edit":
        first.write_text(first.read_text().replace("Vladimir Putin and Xi Jinping deepened bilateral ties",
                                                   "Putin and Xi pledged closer ties"))
    elif change == "delete":
        first.unlink()
    elif change == "merge":
        events = json.loads((out / "events.json").read_text())["events"]
        a, b = events[3]["id"], events[4]["id"]
        (project / "content" / "events").mkdir()
        (project / "content" / "events" / "merge.toml").write_text(f'event = "{a}"\nmerge = ["{b}"]\n')
    build_site(project / "site.toml", output=out, search_index=False, allow_shrink=True)
    for eid, url in before.items():
        assert _resolves(out, url), (change, eid)
    redirects = (out / "_redirects").read_text() if (out / "_redirects").exists() else ""
    gone = [eid for eid in before if eid not in _urls(out)]
    for eid in gone:
        assert f"/events/{eid}/ " in redirects
        page = (out / "events" / eid / "index.html").read_text()
        assert 'http-equiv="refresh"' in page and "noindex" in page
    if change in ("delete", "merge"):
        assert gone, "the change should have retired at least one id"


def test_a_cold_build_with_the_published_history_equals_the_incremental_one(site, tmp_path):
    project, out = site
    (sorted((project / "content" / "articles").glob("*.md"))[1]).unlink()
    cold = tmp_path / "cold"
    shutil.copytree(out, cold)  # the same published history, no cache
    build_site(project / "site.toml", output=out, search_index=False, allow_shrink=True)
    build_site(project / "site.toml", output=cold, search_index=False, use_cache=False, allow_shrink=True)
    def files(folder):
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
                if p.is_file() and not p.name.startswith(".generator-")}
    assert files(out) == files(cold)


def test_an_edit_to_an_events_first_sentence_keeps_its_id(site):
    """The id is made from the first report's words; an editor fixing a typo
    there must not move the event (its other sentences still hold it)."""
    project, out = site
    eid = "2019-05-14-vladimir-putin-and-sergei-lavrov-had-warm"
    assert eid in _urls(out)
    article = next((project / "content" / "articles").glob("2019-05-16-*.md"))
    text = article.read_text()
    assert "had warm words for Mike Pompeo" in text
    article.write_text(text.replace("had warm words for Mike Pompeo", "had kind words for Mike Pompeo"))
    build_site(project / "site.toml", output=out, search_index=False)
    after = json.loads((out / "events.json").read_text())["events"]
    event = next(e for e in after if e["id"] == eid)
    assert any("kind words" in q["sentence"] for s in event["sources"] for q in s["quotes"])
    assert not (out / "_redirects").exists() or f"/events/{eid}/ " not in (out / "_redirects").read_text()


def test_events_that_share_a_base_are_told_apart_in_the_order_of_their_first_sentences():
    """merge.assign_ids: the event whose sentences come first keeps the base,
    the others get -2, -3 in that order; a suffix that another event's base
    already is gets -x; an event alone with its base keeps it, the very object."""
    from generator.corpus.merge import assign_ids

    alone = _event("2018-09-12-rain", ("r:1",))
    events = [_event("2018-09-11-talks", ("b:2",)), alone, _event("2018-09-11-talks", ("a:9",)),
              _event("2018-09-11-talks-2", ("c:1",)), _event("2018-09-11-talks", ("b:1",))]
    got = assign_ids(events)
    assert [e.id for e in got] == ["2018-09-11-talks-3", "2018-09-12-rain", "2018-09-11-talks",
                                   "2018-09-11-talks-2", "2018-09-11-talks-2-x"]
    assert got[1] is alone and got[2] is events[2] and got[3] is events[3]


def _quote_urls(out: Path) -> dict[str, str]:
    """Each quoted sentence -> the URL of its anchor on its article's page."""
    return {q["sentence"]: q["url"] for e in json.loads((out / "events.json").read_text())["events"]
            for s in e["sources"] for q in s["quotes"]}


def test_a_link_to_a_quoted_sentence_survives_a_paragraph_added_above_it(site):
    """A sentence's anchor is made from its words (mentions.SentenceAnchors),
    not its place: a paragraph added above it leaves every event's link to
    it as it was, and the link still lands on the sentence."""
    project, out = site
    before = _quote_urls(out)
    article = next((project / "content" / "articles").glob("2018-06-03-*.md"))
    head, sep, body = article.read_text().partition("\n---\n")
    article.write_text(head + sep + "\nA note from the editors was added to this story.\n\n" + body.lstrip("\n"))
    build_site(project / "site.toml", output=out, search_index=False)
    after = _quote_urls(out)
    assert after == before
    page = (out / "articles" / article.stem / "index.html").read_text()
    for url in after.values():
        if f"/articles/{article.stem}/#" in url:
            anchor = url.partition("#")[2]
            assert anchor.startswith("s-") and page.count(f'id="{anchor}"') == 1


def test_a_sentence_written_twice_gets_two_anchors(tmp_path):
    """The same dated sentence twice in one article: the second's anchor gets
    "-2", so the page's ids stay unique and each event's link finds its own."""
    project = seed_project(tmp_path / "p")
    twice = "The finance ministers met in Kazan on 3 March 2021 to discuss the budget."
    (project / "content" / "articles" / "2021-03-05-twice.md").write_text(
        f"---\ntitle: Twice\ndate: 2021-03-05\n---\n{twice}\n\nThe talks went on.\n\n{twice}\n")
    out = tmp_path / "out"
    build_site(project / "site.toml", output=out, search_index=False)
    page = (out / "articles" / "2021-03-05-twice" / "index.html").read_text()
    ids = re.findall(r'<span class="anchor" id="([^"]+)"', page)
    assert len(ids) == 2 and ids[1] == ids[0] + "-2"
    cited = {q["url"].partition("#")[2] for e in json.loads((out / "events.json").read_text())["events"]
             for s in e["sources"] if s["article"] == "2021-03-05-twice" for q in s["quotes"]}
    assert cited == set(ids)
