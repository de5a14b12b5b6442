"""Limits checked before YAML is built: no anchors or aliases, bounded nesting and size.

An alias bomb loads instantly but expands to gigabytes the first time anything walks it, and
deep nesting crashes libyaml's loader outright (seen: a segfault at 100,000 levels). The
scanner is iterative, so scanning first is safe on any input."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import yaml

from digest.errors import Diagnostic, error

MAX_BYTES = 256 * 1024
MAX_DEPTH = 40
_OPEN = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken,
         yaml.BlockSequenceStartToken, yaml.BlockMappingStartToken)
_CLOSE = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken, yaml.BlockEndToken)
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it


def shape_problem(text: str) -> tuple[str, int] | None:
    """YAML text -> (why it is refused, 0-based line) when it breaks a limit, else None."""
    if len(text.encode()) > MAX_BYTES:
        return f"YAML over {MAX_BYTES // 1024} KB", 0
    if "&" not in text and "*" not in text and text.count("[") + text.count("{") < MAX_DEPTH \
            and len(text) < 4096:
        return None  # cannot hold an alias or deep nesting: skip the scan
    depth = 0
    try:
        for token in yaml.scan(text, Loader=FAST_LOADER):
            if isinstance(token, yaml.AliasToken | yaml.AnchorToken):
                return "YAML anchors and aliases (&name, *name) are not allowed", \
                    token.start_mark.line
            if isinstance(token, _OPEN):
                depth += 1
                if depth > MAX_DEPTH:
                    return f"YAML nested deeper than {MAX_DEPTH} levels", token.start_mark.line
            elif isinstance(token, _CLOSE):
                depth -= 1
    except yaml.YAMLError:
        return None  # malformed: the loader reports it with its own message
    return None


class SafeLoader(FAST_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader, with an impossible date (2026-02-30) a YAML error at its line rather
    than a ValueError from datetime that names no place."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> date | datetime:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"impossible date {node.value!r}: {exc}", node.start_mark) from None


SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", SafeLoader.construct_yaml_timestamp)


def load(text: str) -> Any:
    """YAML text -> its data, as the safe loader builds it (yaml.YAMLError when invalid)."""
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 (a safe loader)


def yaml_diagnostic(exc: yaml.YAMLError, path: str, first_line: int, where: str) -> Diagnostic:
    """A YAML error -> one-line Diagnostic at the line where the broken construct starts."""
    context = getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem_mark", None)
    mark = context or problem
    line = mark.line + first_line if mark else first_line
    reason = getattr(exc, "problem", None) or " ".join(str(exc).split())
    kind = f"in {where}" if isinstance(exc, yaml.constructor.ConstructorError) \
        else f"invalid YAML in {where}"
    said = getattr(exc, "context", None)  # what the parser was inside, for a MarkedYAMLError
    if context and problem and said:
        reason += f" ({said} on line {context.line + first_line}, " \
                  f"noticed on line {problem.line + first_line})"
    return error(f"{kind}: {reason}", path, line)
