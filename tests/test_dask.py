"""The Dask executor on a real distributed.LocalCluster (two worker
processes): the same site, byte for byte, as the local build, and the same
cache entries, written on the client's side; settings and connection errors
as file:line messages, never tracebacks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import pipeline
from generator.build import BuildOptions, build
from generator.config import load_config
from generator.errors import BuildError
from generator.write import BOOKKEEPING
from tests.support import ROOT, make_corpus, seed_project

distributed = pytest.importorskip("distributed")  # requirements-dask.txt, part of make test's install


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in BOOKKEEPING}


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=40) as c:
        yield c.scheduler_address


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """200 generated articles: enough for the local process pool (PARALLEL_THRESHOLD) and
    for several batches on the cluster."""
    project = tmp_path_factory.mktemp("dask") / "p"
    make_corpus(200, "plain", project, "Dask", search=False)
    return project


def test_cluster_build_equals_process_pool_build_with_the_same_cache(corpus, cluster, tmp_path):
    local = tmp_path / "local"  # a copy: the cache lives beside site.toml
    shutil.copytree(corpus, local)
    r = cli("build", "--config", str(local / "site.toml"), "--output", str(tmp_path / "a"), "--quiet",
            "--jobs", "2")
    assert r.returncode == 0, r.stderr
    r = cli("build", "--config", str(corpus / "site.toml"), "--output", str(tmp_path / "b"), "--quiet",
            "--executor", "dask", "--scheduler", cluster)
    assert r.returncode == 0, r.stderr
    a, b = files(tmp_path / "a"), files(tmp_path / "b")
    assert len(a) > 1000
    assert sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)) == []
    # The pool's workers and the cluster's client wrote the same 200 entries, byte for byte.
    pool_cache, client_cache = files(local / ".cache" / "articles"), files(corpus / ".cache" / "articles")
    assert len(pool_cache) == 200 and pool_cache == client_cache


def test_a_big_build_on_the_cluster_equals_the_local_one(corpus, cluster, tmp_path, monkeypatch):
    """A build of many articles (pipeline.READ_BACK_MIN_ARTICLES) keeps of each analysis only what
    it would read from the cache (analysis.cache.Cache.kept) and reads each article page's back
    as it renders: the cluster's analyses, whose entries the client writes, as the pool's."""
    monkeypatch.setattr(pipeline, "READ_BACK_MIN_ARTICLES", 1)
    sites = {}
    for way, settings in (("local", {}), ("dask", {"executor": "dask", "scheduler": cluster})):
        project = tmp_path / way
        shutil.copytree(corpus, project, ignore=shutil.ignore_patterns(".cache", "output"))
        config = load_config(project / "site.toml", **settings)
        done = build(config, BuildOptions(jobs=2, search_index=False))
        assert done.articles == 200 and len(list((project / ".cache" / "articles").rglob("*.json"))) == 200
        sites[way] = files(project / "output")
    assert len(sites["local"]) > 1000
    assert sorted(k for k in sites["local"].keys() | sites["dask"].keys()
                  if sites["local"].get(k) != sites["dask"].get(k)) == []


def test_cached_articles_stay_on_the_client(cluster, tmp_path):
    """A warm build sends nothing to the cluster: a scheduler with no workers
    would hang it otherwise. The executor is how, not what: switching it
    leaves an unchanged site up to date."""
    project = seed_project(tmp_path / "p")
    config = load_config(project / "site.toml", executor="dask", scheduler=cluster)
    cold = build(config, BuildOptions())
    assert len(list((project / ".cache" / "articles").rglob("*.json"))) == cold.articles
    r = cli("build", "--config", str(project / "site.toml"))
    assert r.returncode == 0 and "is up to date" in r.stdout, r.stdout + r.stderr
    with distributed.LocalCluster(n_workers=0, dashboard_address=":0", silence_logs=40) as empty:
        (project / "output" / ".generator-build").unlink()  # not up to date: the analysis runs, all from the cache
        config = load_config(project / "site.toml", executor="dask", scheduler=empty.scheduler_address)
        warm = build(config, BuildOptions())
    assert warm.events == cold.events


def test_executor_settings_are_checked_with_file_and_line(tmp_path):
    (tmp_path / "content").mkdir()
    path = tmp_path / "site.toml"
    path.write_text('title = "T"\nexecutor = "dask"\n')
    with pytest.raises(BuildError) as exc:
        load_config(path)
    p = exc.value.problems[0]
    assert (p.path, p.line) == (path, 2) and "scheduler" in p.message and "--scheduler" in p.hint
    path.write_text('title = "T"\nexecutor = "dask"\nscheduler = "10.0.0.5:8786"\n')
    with pytest.raises(BuildError) as exc:
        load_config(path)
    p = exc.value.problems[0]
    assert (p.path, p.line) == (path, 3) and "tcp://" in p.hint
    path.write_text('title = "T"\nexecutor = "spark"\n')
    with pytest.raises(BuildError) as exc:
        load_config(path)
    assert exc.value.problems[0].line == 2 and "'local', 'dask'" in exc.value.problems[0].message
    path.write_text('title = "T"\nexecutor = "dask"\nscheduler = "tcp://10.0.0.5:8786"\n')
    assert load_config(path).site.scheduler == "tcp://10.0.0.5:8786"
    assert load_config(path, executor="local").site.executor == "local"


def test_command_line_errors_without_traceback(tmp_path):
    project = seed_project(tmp_path / "p")
    r = cli("build", "--config", str(project / "site.toml"), "--executor", "dask")
    assert r.returncode == 1 and "needs the address of a Dask scheduler" in r.stderr and "Traceback" not in r.stderr
    r = cli("build", "--config", str(project / "site.toml"), "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert r.returncode == 1 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr and not (project / "output").exists()
