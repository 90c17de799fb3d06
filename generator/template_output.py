"""How a template's `{{ value }}` reaches the page: escaped as Jinja2's
autoescaping escapes it (markupsafe.escape), as a plain string (one
difference, on the safe side: escape_output).

markupsafe.escape returns a Markup, made by Markup's own __new__, a Python
function that asks again whether its argument has __html__. Jinja2 only
joins what a `{{ }}` prints with the rest of the page (or of a macro's,
block's or filter block's output, which it then makes one Markup itself),
so the wrapper buys nothing there; at 10,000 articles escape and
Markup.__new__ were a tenth of a cold build's CPU (py-spy, one process).
The characters escaped and the order of the tests (a str; anything with
__html__, taken as it says; anything else through str(), which makes an
undefined value raise) are markupsafe's own: tests/test_template_output.py
renders every kind of value both ways (a review's probe of 30 templates, 21
values and the i18n extension found only the difference escape_output names,
and an `__html__` giving no string, which it now makes a Markup of, as
markupsafe does). Escaping that a template asks for
(`|e`, `|escape`, `|forceescape`) is Jinja2's, unchanged.
"""

from __future__ import annotations

from typing import Any

from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Expr
from markupsafe import Markup, _escape_inner

# Compiled templates made by OutputEscaping are named apart in the bytecode cache (render.py),
# so none compiled by Jinja2's own code generator is taken for one of them (or the reverse).
BYTECODE_PATTERN = "__jinja2_plain_escape_%s.cache"


def escape_output(value: Any, /) -> str:
    """markupsafe.escape(value), as a str (or the Markup it makes of what
    an `__html__` gives that is neither a str nor a Markup, as it does).
    One difference, on the safe side: where str(value) gives a str subclass
    with nothing to escape, markupsafe prints what that subclass's own
    __str__ says, unescaped; this prints its characters."""
    if type(value) is str:
        return _escape_inner(value)
    if hasattr(value, "__html__"):
        html = value.__html__()
        return html if type(html) is str or type(html) is Markup else Markup(html)
    return _escape_inner(str(value))  # (a str subclass then joins as its characters)


class OutputEscaping(CodeGenerator):
    """Jinja2's code generator, printing each autoescaped `{{ }}` through
    the environment's escape_output (the compiled module's `environment`)
    instead of markupsafe.escape. Jinja2 3.1's _output_child_pre, with that
    one name changed (the Jinja2 version is pinned)."""

    def _output_child_pre(self, node: Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> None:
        if frame.eval_ctx.volatile:
            self.write("(environment.escape_output if context.eval_ctx.autoescape else str)(")
        elif frame.eval_ctx.autoescape:
            self.write("environment.escape_output(")
        else:
            self.write("str(")
        if finalize.src is not None:
            self.write(finalize.src)
