"""What a template prints is escaped as Jinja2's autoescaping escapes it
(generator/template_output.py): the site's environment and a plain
autoescaping Jinja2 environment render the same text, value for value."""

from __future__ import annotations

import jinja2
import markupsafe
import pytest

from generator import render
from generator.template_output import escape_output

TRICKY = ["", "plain", "<script>alert('x')</script>", 'a "quoted" & \'single\'', "é ü — ‘curly’ \u2028 \x00",
          "&amp; already", "<<>>&&''\"\""]


class Html:
    """A value that says it is HTML already (as a Markup does)."""

    def __html__(self) -> str:
        return "<b>bold</b>"


class HtmlNumber:
    """An `__html__` that gives no string: markupsafe makes a Markup of it."""

    def __html__(self):
        return 5


class Text:
    def __str__(self) -> str:
        return "<i>as text</i>"


class Sly(str):
    """A str whose own __str__ says something else."""

    def __str__(self) -> str:
        return "<script>sly()</script>"


class GivesSly:
    def __str__(self) -> str:
        return Sly("plain")


VALUES = [*TRICKY, markupsafe.Markup("<em>safe</em>"), Html(), HtmlNumber(), Text(), Sly("<b>sly</b>"), 0, 12, -3.5,
          True, None, ["<x>", 1], {"k": "<v>"}, ("<t>",)]

TEMPLATES = [
    "{{ v }}",
    "[{{ v }}|{{ v }}]",
    "{% macro m(x) %}<p>{{ x }}</p>{% endmacro %}{{ m(v) }}",
    "{% macro w() %}<div>{{ caller() }}</div>{% endmacro %}{% call w() %}{{ v }}{% endcall %}",
    "{% set block %}<s>{{ v }}</s>{% endset %}{{ block }}",
    "{% filter upper %}{{ v }}{% endfilter %}",
    "{{ v|e }}{{ v|safe }}{{ v|string }}",
    "{% autoescape false %}{{ v }}{% endautoescape %}{{ v }}",
    "{% for x in [v, v] %}{{ loop.index }}{{ x }}{% endfor %}",
    "{{ v ~ '<&>' }}",
]


@pytest.fixture(scope="module")
def site_env(tmp_path_factory):
    return render.environment([tmp_path_factory.mktemp("templates")])


def test_printed_values_are_escaped_as_autoescaping_escapes_them(site_env):
    plain = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    assert site_env.code_generator_class is not plain.code_generator_class  # (the one under test)
    for source in TEMPLATES:
        ours, theirs = site_env.from_string(source), plain.from_string(source)
        for v in VALUES:
            assert ours.render(v=v) == theirs.render(v=v), (source, v)


def test_escape_output_is_markupsafes_escape_as_a_plain_string():
    for v in VALUES:
        assert escape_output(v) == str(markupsafe.escape(v))


def test_a_str_subclass_that_says_otherwise_prints_as_its_characters(site_env):
    """The one difference, on the safe side: a value whose str() is a str
    subclass with nothing to escape prints as its characters, where
    markupsafe's Markup() of it prints what its own __str__ says, unescaped."""
    plain = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    assert "<script>" in plain.from_string("{{ v }}").render(v=GivesSly())  # (markupsafe's)
    assert site_env.from_string("{{ v }}").render(v=GivesSly()) == "plain"
    for code in range(0, 0x3000):  # every character of the first planes that anything escapes
        c = chr(code)
        assert escape_output(c) == str(markupsafe.escape(c))


def test_an_undefined_value_printed_still_fails_the_page(site_env):
    with pytest.raises(jinja2.UndefinedError):
        site_env.from_string("{{ missing }}").render()
    with pytest.raises(jinja2.UndefinedError):
        site_env.from_string("{% macro m() %}{{ missing.field }}{% endmacro %}{{ m() }}").render()


def test_the_compiled_templates_print_through_escape_output(site_env):
    """The environment's compiled code calls escape_output, not markupsafe's
    escape: what makes the pages cheaper to render is in use."""
    source = site_env.compile("{{ v }}", raw=True)
    assert "environment.escape_output(" in source
    assert "escape(" not in source.replace("escape_output(", "")
