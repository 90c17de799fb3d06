"""The quick profile of benchmarks/fuzz.py: a thousand generated inputs per
target (tagger, front matter, Markdown offsets), with its fixed seed; the
long run (--examples 100000) writes benchmarks/results/fuzz.json."""

from benchmarks.fuzz import run, valid_timex3


def test_quick_fuzz_profile_finds_nothing():
    report = run(1000)
    assert report["totals"]["examples"] == 3000
    for target in ("tagger", "front_matter", "markdown_offsets"):
        r = report[target]
        assert (r["crashes"], r["offset_mismatches"], r["invalid_values"], r["over_1s"]) == (0, 0, 0, 0), r["found"]


def test_the_timex3_checker_knows_valid_from_invalid_values():
    good = [("DATE", "2018-09-12"), ("DATE", "2018-W37"), ("DATE", "2018-Q3"), ("DATE", "199"), ("DATE", "PAST_REF"),
            ("DATE", "XXXX-09-12"), ("TIME", "2018-09-11TAF"), ("TIME", "2018-09-11T14:30"), ("DURATION", "P2Y6M"),
            ("DURATION", "PT24H"), ("DURATION", "P1DE"), ("DURATION", "PXY"), ("SET", "XXXX-WXX-1"), ("SET", "P1W"),
            ("SET", "P1DE"), ("DATE", "")]
    bad = [("DATE", "2018-02-30"), ("DATE", "2019-13"), ("DATE", "2018-W54"), ("DATE", "0000-01-01"),
           ("DATE", "2018-9-1"), ("DURATION", "P"), ("DURATION", "3Y"), ("TIME", "2018-09-11T25"), ("SET", "every"),
           ("DATE", "-1")]
    assert [v for v in good if not valid_timex3(*v)] == []
    assert [v for v in bad if valid_timex3(*v)] == []
