"""The Jinja environment: project templates over the default theme, errors as file:line."""

from __future__ import annotations

import json
import linecache
import re
from collections.abc import Callable
from pathlib import Path
from types import BuiltinMethodType, FunctionType, MethodType, TracebackType
from typing import Any

import jinja2
import jinja2.runtime
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup

from digest.config import Config, format_datetime
from digest.errors import Diagnostic, TemplateError, error
from digest.i18n import Table, load_table

PACKAGE_DIR = Path(__file__).resolve().parent


class SiteEnvironment(jinja2.Environment):
    """Jinja's environment with what digest keeps on it."""

    ui: Table  # the site language's words
    project_root: Path  # template paths in messages are shown relative to it
    fragments: dict[object, str]  # FragmentCache's blocks, emptied by clear_fragments


def theme_dir() -> Path:
    """The default theme: shipped inside the wheel, or the repo's top-level templates/."""
    shipped = PACKAGE_DIR / "_theme"
    return shipped if shipped.is_dir() else PACKAGE_DIR.parent / "templates"


def make_environment(config: Config, project_templates: Path | None,
                     compiled: Path | None = None) -> SiteEnvironment:
    """Config and the project's templates folder -> a Jinja environment with digest's filters
    (keeping compiled templates in the folder `compiled`, when given)."""
    theme = jinja2.FileSystemLoader(str(theme_dir()))
    loaders: list[jinja2.BaseLoader] = []
    if project_templates and project_templates.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(project_templates)))
    loaders += [jinja2.PrefixLoader({"default": theme}), theme]
    env = SiteEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(("html", "htm", "xml"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=_bytecode_cache(compiled),
        extensions=[FragmentCache],
    )
    env.context_class = _Context
    env.project_root = project_templates.parent if project_templates else Path.cwd()
    table = env.ui = load_table(config.language, project_templates, theme_dir())
    env.globals.update(t=table.t, t_table=table.pick)
    env.filters["datetime"] = lambda moment: format_datetime(moment, config.date_format)
    env.filters["isodate"] = lambda moment: moment.isoformat()
    env.filters["day"] = table.day
    env.filters["web_url"] = web_url
    env.filters["json_ld"] = json_ld
    return env


class _Context(jinja2.runtime.Context):
    """Jinja's context, calling plain functions, methods and macros (link(), url_of.*,
    lang.startswith, story_item) directly: the general path looks for pass_context markers
    on every call, a tenth of an article page's render time."""

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's)
        kind = type(__obj)
        plain = __obj.__func__ if kind is MethodType else __obj
        if kind is jinja2.runtime.Macro:  # it takes the eval context, as Jinja passes it
            args = (__self.eval_ctx, *args)
        elif kind is not BuiltinMethodType and (type(plain) is not FunctionType
                                                or "jinja_pass_arg" in plain.__dict__):
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:  # as Jinja's own path does
            return __self.environment.undefined("value was undefined because a callable "
                                                "raised a StopIteration exception")


class FragmentCache(Extension):
    """`{% cached key, ... %}…{% endcached %}`: the block is rendered once per build for each
    distinct key, then its output reused (story cards and page chrome recur on many pages).
    The key must name everything the block shows; `clear_fragments` empties the cache."""

    tags = {"cached"}

    def __init__(self, environment: jinja2.Environment):
        super().__init__(environment)
        self.fragments: dict[object, str] = {}
        environment.extend(fragments=self.fragments)  # the same dict, for clear_fragments

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        key = parser.parse_tuple()
        body = parser.parse_statements(("name:endcached",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_fragment", [key]), [], [], body) \
            .set_lineno(lineno)

    def _fragment(self, key: object, caller: Callable[[], str]) -> str:
        fragments = self.fragments
        found = fragments.get(key)
        if found is None:
            found = fragments[key] = caller()
        return found


def clear_fragments(env: SiteEnvironment) -> None:
    """Forget cached fragments (a new build may show other things under the same keys)."""
    env.fragments.clear()


def _bytecode_cache(folder: Path | None) -> jinja2.BytecodeCache | None:
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))  # keyed on each template's source


def json_ld(data: object) -> Markup:
    """Data -> JSON safe inside <script>: '<', '>' and '&' escaped, so no content can close
    the script element or start markup."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def web_url(url: str | None) -> str | None:
    """A URL from content -> itself when it is http(s), else None (no javascript:, data:...)."""
    if url and re.match(r"^https?://[^\s\"'<>]+$", url.strip(), flags=re.IGNORECASE):
        return url.strip()
    return None


def load_all(env: SiteEnvironment, names: list[str]) -> list[Diagnostic]:
    """Compile every named template up front -> a diagnostic per syntax error."""
    problems = []
    for name in names:
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(syntax_diagnostic(exc, env))
        except jinja2.TemplateNotFound as exc:
            problems.append(error(f"template not found: {exc.name}"))
    return problems


def syntax_diagnostic(exc: jinja2.TemplateSyntaxError, env: SiteEnvironment,
                      page: str | None = None) -> Diagnostic:
    """A Jinja syntax error -> Diagnostic at the template's file:line."""
    where = f" (rendering /{page})" if page is not None else ""
    return error(f"template syntax error: {exc.message}{where}",
                 _shown(exc.filename or exc.name or "?", env), exc.lineno)


def render_template(env: SiteEnvironment, name: str, context: dict[str, Any],
                    page: str) -> str:
    """Template name and context -> text; any failure raises TemplateError with file:line."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError([syntax_diagnostic(exc, env, page)]) from None
    except Exception as exc:  # a template can raise anything; report where it happened
        filename, line = _template_frame(exc.__traceback__)
        message = undefined_message(str(exc), filename, line) if isinstance(
            exc, jinja2.UndefinedError) else f"{type(exc).__name__}: {exc}"
        raise TemplateError([error(f"{message} (rendering /{page})",
                                   _shown(filename, env) if filename else name, line)]) \
            from None


def _template_frame(tb: TracebackType | None) -> tuple[str | None, int | None]:
    """Traceback -> file and line of its innermost frame inside a template file."""
    found: tuple[str | None, int | None] = (None, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt", ".j2", ".jinja")):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


_NO_ATTRIBUTE = re.compile(r"^'.+' has no attribute '(?P<name>[^']+)'$")


def undefined_message(message: str, filename: str | None, line: int | None) -> str:
    """Jinja's "'digest.model.Story object' has no attribute 'titel'" -> "'story' has no
    attribute 'titel'", naming the object as the template's line wrote it, where it can."""
    found = _NO_ATTRIBUTE.match(message)
    if not found or not filename or not line:
        return message
    attribute = re.escape(found["name"])
    written = re.search(rf"([A-Za-z_][\w.]*?)\s*(?:\.\s*{attribute}\b|\[\s*['\"]{attribute}['\"])",
                        linecache.getline(filename, line))
    return f"'{written[1]}' has no attribute '{found['name']}'" if written else message


def _shown(filename: str, env: SiteEnvironment) -> str:
    """Template file path -> relative to the project when it lies inside it; a theme file as
    default/NAME (how a project template extends it)."""
    path = Path(filename).resolve()
    for root, prefix in ((env.project_root.resolve(), ""), (theme_dir().resolve(), "default/")):
        if path.is_relative_to(root):
            return prefix + path.relative_to(root).as_posix()
    return filename


