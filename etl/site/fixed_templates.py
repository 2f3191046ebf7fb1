"""Datasette plugin of the havana-1962 site: each template is looked up once per server, and a fragment of a
page that depends only on what it names is rendered once per server.

The templates of a release do not change while it is served (``make serve`` does not reload them; restart
the server after editing one). Jinja, as Datasette configures it, still checks on every page whether each
template file changed (a ``stat`` per template used: a canned query's page uses twelve), and Datasette
asks for templates that do not exist (``query-havana-1962-words_per_participant.html`` before
``query.html``), which Jinja never remembers, so each page searches both template folders for them again.
Measured on the 2-core machine, these lookups were a fifth of what a canned query page costs more than the
same page of plain Datasette.

``prepare_jinja2_environment`` (Datasette's hook for configuring Jinja) turns the check off and remembers
which names are missing, in a bounded memo: a crawler asking for made-up pages cannot grow it without end.

It also adds the ``{% remember key %}...{% endremember %}`` tag (a Jinja extension, after the fragment
cache of Jinja's documentation): what is between the tags is rendered the first time a key is seen and
given again for the same key. The key must name everything the fragment shows, e.g. the citation block of
a query page: its heading, its text and address (which carry the release and the day of access), and the
host when the page says it is served from a copy. Rendering that block was a twentieth of a canned query
page's time.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Hashable
from typing import Any, cast

from datasette import hookimpl
from jinja2 import BaseLoader, Environment, Template, TemplateNotFound, nodes
from jinja2.ext import Extension
from jinja2.parser import Parser

from etl.publish.memo import LeastRecentlyUsed

# How many missing template names each server remembers (Datasette looks up a ``pages/<path>.html``
# template for every path no view answers).
REMEMBERED_MISSING = 4096
# How many rendered fragments each server remembers (a citation block is a few kilobytes).
REMEMBERED_FRAGMENTS = 1024


class RemembersMissing(BaseLoader):
    """Datasette's template loader, except that a name found missing once is not searched for again."""

    def __init__(self, loader: BaseLoader, size: int = REMEMBERED_MISSING) -> None:
        self.loader = loader
        self.missing = LeastRecentlyUsed(size)

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None, Any]:
        self._raise_if_missing(template)
        try:
            return self.loader.get_source(environment, template)
        except TemplateNotFound:
            self.missing.put(template, True)
            raise

    def load(self, environment: Environment, name: str, globals: Any = None) -> Template:
        self._raise_if_missing(name)
        try:
            return self.loader.load(environment, name, globals)
        except TemplateNotFound:
            self.missing.put(name, True)
            raise

    def list_templates(self) -> list[str]:
        return self.loader.list_templates()

    def _raise_if_missing(self, name: str) -> None:
        if self.missing.get(name):
            raise TemplateNotFound(name)


class RememberExtension(Extension):
    """``{% remember key %}fragment{% endremember %}``: the fragment rendered once per key and server."""

    tags = {"remember"}

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.extend(remembered_fragments=LeastRecentlyUsed(REMEMBERED_FRAGMENTS))

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        key = parser.parse_expression()
        body = parser.parse_statements(("name:endremember",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_render_once", [key]), [], [], body).set_lineno(lineno)

    def _render_once(self, key: Hashable, caller: Callable[[], Any]) -> Any:
        memo = cast(Any, self.environment).remembered_fragments  # (set by prepare_jinja2_environment)
        fragment = memo.get(key)
        if fragment is not None:
            return fragment
        rendered = caller()
        if not inspect.isawaitable(rendered):  # (Datasette's Jinja renders asynchronously: the other branch)
            memo.put(key, rendered)
            return rendered

        async def render_and_remember() -> Any:
            fragment = await rendered
            memo.put(key, fragment)
            return fragment

        return render_and_remember()


@hookimpl
def prepare_jinja2_environment(env: Environment, datasette: Any) -> None:
    env.auto_reload = False
    if env.loader is not None and not isinstance(env.loader, RemembersMissing):
        env.loader = RemembersMissing(env.loader)
    if RememberExtension.identifier not in env.extensions:
        env.add_extension(RememberExtension)
