"""The theme's words, one table per language (templates/i18n/<language>.yaml): a project's
file of the same name overrides the theme's key by key. Templates, page titles and the search
script all take their words from it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jinja2
import yaml

from digest.errors import Diagnostic, TemplateError, error
from digest.yamlsafe import FAST_LOADER, shape_problem, yaml_diagnostic

FOLDER = "i18n"
REFERENCE = "en"  # the table every other is checked against, and the fallback
_PLACEHOLDER = re.compile(r"\{(\w+)(?::0(\d)d)?\}")
_LANGUAGE = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """The words of one language, with the file a missing key belongs in."""

    language: str
    texts: dict[str, str]
    home: str  # where a project adds a key: templates/i18n/<language>.yaml

    def t(self, key: str, **values: object) -> str:
        """Key and placeholder values -> the text; an unknown key is an UndefinedError, which
        the template error reports at the template's file:line."""
        text = self.texts.get(key)
        if text is None:
            raise jinja2.UndefinedError(f"no text {key!r} in {self.home} or the theme's table "
                                        f"{FOLDER}/{self.language}.yaml")
        return fill(text, values, key, self.home) if "{" in text else text

    def pick(self, *keys: str) -> dict[str, str]:
        """Keys -> {key: text} with placeholders left in, for a script to fill (search.js)."""
        for key in keys:
            if key not in self.texts:
                self.t(key)  # raises, naming the key
        return {key: self.texts[key] for key in keys}

    def day(self, day: date) -> str:
        """A date -> its label ('2020년 6월 3일')."""
        return self.t("day", year=day.year, month=day.month, day=day.day)


def fill(text: str, values: dict[str, object], key: str = "", home: str = "") -> str:
    """'{count}일' and {'count': 3} -> '3일'; '{month:02d}' pads with zeros, as search.js does."""
    def one(match: re.Match[str]) -> str:
        name, width = match.group(1), match.group(2)
        if name not in values:
            raise jinja2.UndefinedError(f"{home}: {key!r} uses {{{name}}}, which is not given "
                                        f"here (given: {', '.join(sorted(values)) or 'none'})")
        return str(values[name]).rjust(int(width or 0), "0")

    return _PLACEHOLDER.sub(one, text)


def placeholders(text: str) -> set[str]:
    """A text -> the names of its placeholders."""
    return {match.group(1) for match in _PLACEHOLDER.finditer(text)}


def load_table(language: str, project_templates: Path | None, theme: Path) -> Table:
    """The site's language -> its table: the theme's file with the project's of the same name
    over it; 'ko-KR' looks for ko-KR.yaml, then ko.yaml, then falls back to English. Raises
    TemplateError naming file and line for a bad file or a key missing from a project's own."""
    folders = [theme / FOLDER]
    if project_templates is not None:
        folders.insert(0, project_templates / FOLDER)
    name = choose(language, folders)
    problems: list[Diagnostic] = []
    reference = read_table(theme / FOLDER / f"{REFERENCE}.yaml", problems)
    texts: dict[str, str] = {}
    home = f"templates/{FOLDER}/{name}.yaml"
    for folder in reversed(folders):  # the theme's first, then the project's over it
        path = folder / f"{name}.yaml"
        if path.is_file():
            shown = home if folder != theme / FOLDER else str(path)
            texts.update(read_table(path, problems, reference, shown))
    missing = sorted(reference.keys() - texts.keys())
    if missing:
        shown = ", ".join(map(repr, missing[:5])) + (f" and {len(missing) - 5} more"
                                                     if len(missing) > 5 else "")
        problems.append(error(
            f"no text for {shown}: a table needs every key of the theme's {FOLDER}/"
            f"{REFERENCE}.yaml (`digest templates eject {FOLDER}/{REFERENCE}.yaml` copies it "
            "to start from)", home))
    if problems:
        raise TemplateError(problems)
    return Table(language=name, texts=texts, home=home)


def choose(language: str, folders: list[Path]) -> str:
    """The site's language -> the name of the table to use (its file stem)."""
    for name in dict.fromkeys([language, re.split(r"[-_]", language)[0].lower()]):
        if _LANGUAGE.fullmatch(name) and any((f / f"{name}.yaml").is_file() for f in folders):
            return name
    return REFERENCE


def read_table(path: Path, problems: list[Diagnostic], reference: dict[str, str] | None = None,
               shown: str | None = None) -> dict[str, str]:
    """A table file -> {key: text}, appending a problem with its line for each bad entry
    (a text using a placeholder the reference text of its key does not have, among them)."""
    shown = shown or str(path)
    root = _compose(path, shown, problems)
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        problems.append(error("a table of words must map keys to texts", shown, 1))
        return {}
    texts: dict[str, str] = {}
    for key_node, value_node in root.value:
        key, line = str(key_node.value), key_node.start_mark.line + 1
        if key in texts:
            problems.append(error(f"{key!r} is given twice", shown, line))
        elif not isinstance(value_node, yaml.ScalarNode) or value_node.tag.endswith(":null"):
            problems.append(error(f"{key!r} must be a text", shown, line))
        else:
            texts[key] = value_node.value
            allowed = placeholders(reference[key]) if reference and key in reference else None
            unknown = sorted(placeholders(value_node.value) - allowed) if allowed is not None \
                else ()
            if allowed is not None and unknown:
                problems.append(error(
                    f"{key!r} uses {', '.join('{' + u + '}' for u in unknown)}; it can use "
                    f"{', '.join('{' + a + '}' for a in sorted(allowed)) or 'none'}",
                    shown, line))
    return texts


def _compose(path: Path, shown: str, problems: list[Diagnostic]) -> yaml.Node | None:
    """A YAML file -> its node tree, or None with a problem appended."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(error(f"cannot read the table: {exc}", shown))
        return None
    refused = shape_problem(text)
    if refused:
        problems.append(error(f"table refused: {refused[0]}", shown, refused[1] + 1))
        return None
    try:
        return yaml.compose(text, Loader=FAST_LOADER)
    except yaml.YAMLError as exc:
        problems.append(yaml_diagnostic(exc, shown, first_line=1, where="the table"))
        return None
