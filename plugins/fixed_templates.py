"""Datasette plugin of the havana-1962 site: each template is looked up once per server.

The templates of a release do not change while it is served (``make serve`` does not reload them; restart
the server after editing one). Jinja, as Datasette configures it, still checks on every page whether each
template file changed (a ``stat`` per template used: a canned query's page uses twelve), and Datasette
asks for templates that do not exist (``query-havana-1962-words_per_participant.html`` before
``query.html``), which Jinja never remembers, so each page searches both template folders for them again.
Measured on the 2-core machine, these lookups were a fifth of what a canned query page costs more than the
same page of plain Datasette.

``prepare_jinja2_environment`` (Datasette's hook for configuring Jinja) turns the check off and remembers
which names are missing, in a bounded memo: a crawler asking for made-up pages cannot grow it without end.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from jinja2 import BaseLoader, Environment, Template, TemplateNotFound

from etl.publish.memo import LeastRecentlyUsed

# How many missing template names each server remembers (Datasette looks up a ``pages/<path>.html``
# template for every path no view answers).
REMEMBERED_MISSING = 4096


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


@hookimpl
def prepare_jinja2_environment(env: Environment, datasette: Any) -> None:
    env.auto_reload = False
    if not isinstance(env.loader, RemembersMissing):
        env.loader = RemembersMissing(env.loader)
