"""site.toml validation: unknown keys, wrong types, unsafe output folders."""

import pytest

from generator.config import load_config as load
from generator.errors import BuildError


def _write(tmp_path, text):
    (tmp_path / "content").mkdir(exist_ok=True)
    path = tmp_path / "site.toml"
    path.write_text(text)
    return path


def test_defaults_and_sub_path(tmp_path):
    cfg = load(_write(tmp_path, 'title = "T"\nbase_url = "https://example.org/timeline"\n'))
    assert cfg.base_path == "/timeline/" and cfg.site_url == "https://example.org"
    assert cfg.output_dir == tmp_path / "output" and cfg.extraction.max_title_length == 100


def test_unknown_key_names_file_line_and_hint(tmp_path):
    path = _write(tmp_path, 'title = "T"\n\n[extraction]\nmerge_treshold = 0.5\n')
    with pytest.raises(BuildError) as exc:
        load(path)
    p = exc.value.problems[0]
    assert "merge_treshold" in p.message and p.line == 4 and p.path == path and "merge_threshold" in p.hint


def test_unknown_section(tmp_path):
    with pytest.raises(BuildError) as exc:
        load(_write(tmp_path, 'title = "T"\n[extractoin]\nx = 1\n'))
    assert "unknown section [extractoin]" in str(exc.value) and exc.value.problems[0].line == 2


def test_wrong_type(tmp_path):
    with pytest.raises(BuildError) as exc:
        load(_write(tmp_path, 'title = 5\n[extraction]\nmax_title_length = "long"\n'))
    lines = sorted(p.line for p in exc.value.problems)
    assert lines == [1, 3]
    assert "must be a string" in str(exc.value) and "must be an integer" in str(exc.value)


def test_invalid_toml_has_line(tmp_path):
    with pytest.raises(BuildError) as exc:
        load(_write(tmp_path, 'title = "T"\nbase_url = \n'))
    assert exc.value.problems[0].line == 2


@pytest.mark.parametrize("output", ["/", "..", ".", "content", "content/site", "templates"])
def test_dangerous_output_folders_are_refused(tmp_path, output):
    (tmp_path / "templates").mkdir()
    with pytest.raises(BuildError) as exc:
        load(_write(tmp_path, f'title = "T"\noutput_dir = "{output}"\n'))
    assert "refusing" in str(exc.value) or "inside the content" in str(exc.value)


def test_output_flag_is_checked_too(tmp_path):
    with pytest.raises(BuildError):
        load(_write(tmp_path, 'title = "T"\n'), output_dir=str(tmp_path))


def test_base_url_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BASE_URL", "/sub/")
    assert load(_write(tmp_path, 'title = "T"\n')).base_path == "/sub/"


def test_readme_documents_every_site_toml_key():
    from generator.config import schema
    from tests.support import ROOT

    readme = (ROOT / "README.md").read_text()
    for section, keys in schema().items():
        for key in keys:
            label = f"`[{section}] {key}`" if section else f"`{key}`"
            assert label in readme, label
