"""The command line: extract (files and --jsonl), check, new, build exit codes."""

import json
import re
import subprocess
import sys

from generator.temporal import tag
from tests.conftest import TEMPEVAL
from tests.support import ROOT, make_corpus, make_project
from tests.support.timeml import read_tml


def run(*args, cwd=ROOT, stdin=None):
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_help():
    r = run("--help")
    assert r.returncode == 0 and "build" in r.stdout and "extract" in r.stdout and "check" in r.stdout


def test_extract_jsonl_matches_the_tagger_and_the_benchmark():
    docs = [read_tml(p) for p in sorted((TEMPEVAL / "TimeBank").glob("*.tml"))[:5]]
    lines = "".join(json.dumps({"id": d.name, "text": d.text, "dct": d.dct.isoformat()}) + "\n" for d in docs)
    r = run("extract", "--jsonl", stdin=lines)
    assert r.returncode == 0, r.stderr
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o["id"] for o in out] == [d.name for d in docs]
    for d, o in zip(docs, out, strict=True):
        expected = [{"start": t.start, "end": t.end, "text": t.text, "type": t.type, "value": t.value}
                    for t in tag(d.text, d.dct)]
        assert o["timexes"] == expected
        for t in o["timexes"]:
            assert d.text[t["start"]:t["end"]] == t["text"]


def test_extract_jsonl_bad_input():
    r = run("extract", "--jsonl", stdin='{"id": "x"}\n')
    assert r.returncode == 1 and "<stdin>:1" in r.stderr


def test_extract_jsonl_goes_on_after_a_bad_line():
    lines = ('{"id": "a", "text": "on Tuesday", "dct": "2018-09-12"}\nnot json\n'
             '{"id": "c", "text": "May 2018", "dct": "2018-13-01"}\n{"id": "d", "text": "in May 2018"}\n')
    r = run("extract", "--jsonl", stdin=lines)
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert r.returncode == 1 and "<stdin>:2: error:" in r.stderr and "<stdin>:3: error:" in r.stderr
    assert [o["id"] for o in out] == ["a", None, "c", "d"]
    assert "error" in out[1] and "error" in out[2] and out[3]["timexes"][0]["value"] == "2018-05"


def test_extract_file_prints_expressions_and_mentions():
    path = next((ROOT / "content" / "articles").glob("2018-09-12-*.md"))
    r = run("extract", str(path))
    assert r.returncode == 0
    assert "2018-09-11" in r.stdout and "'Tuesday'" in r.stdout and "event mentions:" in r.stdout


def test_extract_plain_text_with_dct(tmp_path):
    f = tmp_path / "note.txt"
    f.write_text("The talks were held last month.")
    r = run("extract", "--dct", "2018-06-03", str(f))
    assert r.returncode == 0 and "2018-05" in r.stdout


def test_check_reports_and_writes_nothing(tmp_path):
    project = make_project(tmp_path, {"bad.md": "---\ntitle: x\ndate: 2018-01-01\n"})
    r = run("check", "--config", str(project / "site.toml"))
    assert r.returncode == 1 and "bad.md" in r.stderr and not (project / "output").exists()
    (project / "content" / "articles" / "bad.md").write_text("---\ntitle: x\ndate: 2018-01-01\n---\nok\n")
    r = run("check", "--config", str(project / "site.toml"))
    assert r.returncode == 0 and "ok:" in r.stdout and not (project / "output").exists()


def test_new_writes_an_article_that_builds(tmp_path):
    project = make_project(tmp_path)
    r = run("new", "Putin visits Beijing", "--date", "2019-04-26", "--config", str(project / "site.toml"))
    assert r.returncode == 0
    path = project / "content" / "articles" / "2019-04-26-putin-visits-beijing.md"
    assert path.is_file() and 'title: "Putin visits Beijing"' in path.read_text()
    assert run("new", "Putin visits Beijing", "--date", "2019-04-26", "--config",
               str(project / "site.toml")).returncode == 1  # never overwrites
    r = run("build", "--config", str(project / "site.toml"))
    assert r.returncode == 0, r.stderr


def test_build_failure_exit_code_and_message(tmp_path):
    project = make_project(tmp_path, {"x.md": b"\xff\xfe not utf8"})
    r = run("build", "--config", str(project / "site.toml"))
    assert r.returncode == 1 and "x.md" in r.stderr and "UTF-8" in r.stderr


def _build_in_terminal(project, *extra, env_extra=None):
    """Run a build with stdout and stderr on a pseudo-terminal, as an editor
    would; return everything it printed."""
    import fcntl
    import os
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal has a size
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(env_extra or {})
    proc = subprocess.Popen([sys.executable, "-m", "generator", "build", "--config", str(project / "site.toml"),
                             "--no-cache", "--jobs", "1", *extra], cwd=ROOT, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=300) == 0
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_on_long_builds_quiet_with_flag_and_in_ci(tmp_path):
    corpus = tmp_path / "corpus"

    make_corpus(400, "plain", corpus, "Progress")  # stages of over a second on a fast machine too
    (corpus / "site.toml").write_text('title = "Progress"\nsearch = false\n')
    bar = re.compile(r"(analysing|rendering): +\d+%\|")  # a stage that ran over a second shows a tqdm bar
    shown = _build_in_terminal(corpus)
    assert bar.search(shown) and "built " in shown
    quiet = _build_in_terminal(corpus, "--quiet")
    assert not bar.search(quiet) and "built " not in quiet
    ci = _build_in_terminal(corpus, env_extra={"CI": "true"})
    assert not bar.search(ci) and "built " in ci
