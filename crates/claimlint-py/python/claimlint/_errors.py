"""The exceptions claimlint raises (the compiled module raises these)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional


class ClaimlintError(Exception):
    """Base class of claimlint's exceptions."""


class RuleError(ClaimlintError):
    """A rule, lexicon or configuration file does not load.

    ``problems`` lists every problem found (all files are checked before
    raising), each a dict with ``location`` (``"path:line:col"``, or the
    path alone when no position is known), ``path``, ``line``, ``column``
    (1-based, or None), ``message``, ``label`` and ``notes``.
    """

    def __init__(self, message: str, problems: List[Dict[str, Any]]) -> None:
        super().__init__(message)
        self.problems = problems

    @property
    def location(self) -> Optional[str]:
        """``path:line:col`` of the first problem."""
        return self.problems[0]["location"] if self.problems else None


class InputError(ClaimlintError, ValueError):
    """A text cannot be linted: bytes that are not UTF-8 or hold NUL bytes,
    or a str that cannot be encoded as UTF-8 (lone surrogates).

    ``offset``, ``line`` and ``column`` locate the first invalid byte when
    the bytes are not UTF-8 (else None); ``path`` is the path the text was
    given under.
    """

    def __init__(
        self,
        message: str,
        path: Optional[str] = None,
        offset: Optional[int] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.offset = offset
        self.line = line
        self.column = column
