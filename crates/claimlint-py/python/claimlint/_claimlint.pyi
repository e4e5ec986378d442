"""Type stubs of the compiled module (claimlint._claimlint)."""

import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

_Path = Union[str, "os.PathLike[str]"]
_Text = Union[str, bytes, bytearray]

class Diagnostic:
    """One finding: the fields of claimlint's JSON output (version 1)."""

    path: str
    rule: str
    category: str
    severity: str
    message: str
    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    suggestion: Optional[str]
    help: Optional[str]
    related: List[Related]
    """Other places the finding points at (a new list on each access)."""
    def __init__(
        self,
        path: str,
        rule: str,
        category: str,
        severity: str,
        message: str,
        start: int,
        end: int,
        line: int,
        column: int,
        end_line: int,
        end_column: int,
        text: str,
        suggestion: Optional[str] = None,
        help: Optional[str] = None,
        related: Sequence[Union[Related, Mapping[str, Any]]] = (),
    ) -> None: ...
    def to_dict(self) -> Dict[str, Any]:
        """The finding as ``claimlint check --format json`` prints it
        (``related`` only when there are related places)."""
    def values(self) -> Tuple[Any, ...]:
        """The fields, in the JSON output's order."""
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

class Related:
    """Another place a finding points at (the first copy of a pasted
    duplicate, one repeat of a stuffed phrase)."""

    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    message: str
    def __init__(
        self,
        start: int,
        end: int,
        line: int,
        column: int,
        end_line: int,
        end_column: int,
        text: str,
        message: str,
    ) -> None: ...
    def to_dict(self) -> Dict[str, Any]:
        """The place as in the JSON output's ``related``."""
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

class Rule:
    """A rule as ``claimlint rules --format json`` lists it."""

    id: str
    category: str
    severity: str
    kind: str
    summary: str
    references: List[str]
    source: str
    def to_dict(self) -> Dict[str, Any]: ...

class Linter:
    """Compiled rules (and optionally a ``.claimlint.yaml``)."""

    def __init__(
        self,
        rules: Union[None, _Path, Sequence[_Path], Mapping[str, str]] = None,
        config: Optional[_Path] = None,
        default_rules: bool = True,
    ) -> None: ...
    @property
    def default_rules(self) -> bool:
        """Whether the built-in pack is loaded."""
    @property
    def rule_files(self) -> List[str]:
        """The user rule files loaded, by the names they were read as."""
    def lint(self, text: _Text, path: str = "<text>", format: Optional[str] = None) -> List[Diagnostic]:
        """Lints one text; findings sorted by position."""
    def lint_many(
        self,
        items: Iterable[Tuple[str, _Text]],
        threads: Optional[int] = None,
        format: Optional[str] = None,
    ) -> List[List[Diagnostic]]:
        """Lints ``(path, text)`` pairs in parallel, the lock released."""
    def rules(self) -> List[Rule]:
        """The loaded rules."""
    def explain(self, rule_id: str) -> str:
        """What ``claimlint explain RULE_ID`` prints."""
    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]: ...
