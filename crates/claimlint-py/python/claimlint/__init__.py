"""claimlint: flags misleading health claims in articles.

    import claimlint
    for d in claimlint.lint("Ketamine cures depression.", path="post.txt"):
        print(f"{d.path}:{d.line}:{d.column} {d.severity}[{d.rule}] {d.message}")

:class:`Linter` compiles rules once and lints many texts (``lint``, and
``lint_many`` on several threads); it pickles, so it ships to Dask or Ray
workers. Each finding is a :class:`Diagnostic` whose attributes are the
fields of ``claimlint check --format json``.
"""

from __future__ import annotations

import threading
from typing import List, Optional, Union

from ._claimlint import Diagnostic, Linter, Related, Rule
from ._errors import ClaimlintError, InputError, RuleError

__all__ = [
    "ClaimlintError",
    "Diagnostic",
    "InputError",
    "Linter",
    "Related",
    "Rule",
    "RuleError",
    "default_linter",
    "explain",
    "lint",
    "rules",
]

_default: Optional[Linter] = None
_default_lock = threading.Lock()


def default_linter() -> Linter:
    """The built-in pack, compiled once per process and shared."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Linter()
        return _default


def lint(
    text: Union[str, bytes],
    path: str = "<text>",
    format: Optional[str] = None,
    *,
    rules=None,
    config=None,
    default_rules: bool = True,
) -> List[Diagnostic]:
    """Lints one text; see :meth:`Linter.lint`.

    With no ``rules``/``config`` the built-in pack is used (compiled on the
    first call, then reused); otherwise a :class:`Linter` is compiled for
    this call: make one yourself to lint many texts.
    """
    if rules is None and config is None and default_rules:
        linter = default_linter()
    else:
        linter = Linter(rules=rules, config=config, default_rules=default_rules)
    return linter.lint(text, path, format)


def explain(rule_id: str) -> str:
    """What ``claimlint explain RULE_ID`` prints for a built-in rule.

    Raises ``KeyError`` for an unknown id.
    """
    return default_linter().explain(rule_id)


def rules() -> List[Rule]:
    """The built-in rules, as ``claimlint rules --format json`` lists them."""
    return default_linter().rules()
