"""Where the config file is and what it says, before any of it is checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from digest.errors import ConfigError, error
from digest.yamlsafe import load as load_yaml
from digest.yamlsafe import shape_problem, yaml_diagnostic

CONFIG_FILE = "digest.yaml"


def find_config(project: Path, given: Path | None = None) -> Path | None:
    """The config file a command reads: `given` (ConfigError when it is not a file), else the
    project's digest.yaml if there is one, else None (the defaults)."""
    if given is not None:
        if not given.is_file():
            raise ConfigError([error(f"config file not found: {given}")])
        return given
    default = project / CONFIG_FILE
    return default if default.is_file() else None


def read_config_file(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """A config file -> (its YAML mapping, the line of each key); ConfigError when it cannot
    be read or is no mapping."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError([error(f"cannot read config: {exc.strerror or exc}", str(path))]) \
            from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError([error("the config is not UTF-8 text; save it as UTF-8", str(path),
                                 line)]) from None
    refused = shape_problem(text)
    if refused:
        raise ConfigError([error(f"config refused: {refused[0]}", str(path), refused[1] + 1)])
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise ConfigError([yaml_diagnostic(exc, str(path), first_line=1, where="the config")]) \
            from None
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise ConfigError([error("the config must be a mapping of keys to values", str(path), 1)])
    return data, _key_lines(node) if node is not None else {}


def _key_lines(node: yaml.Node, prefix: str = "") -> dict[str, int]:
    """A composed YAML node -> {'sections[0].key': line} for every mapping key inside it."""
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            path = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            lines[path] = key_node.start_mark.line + 1
            lines.update(_key_lines(value_node, path))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            path = f"{prefix}[{index}]"
            lines[path] = item.start_mark.line + 1
            lines.update(_key_lines(item, path))
    return lines
