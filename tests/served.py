"""Where the site serves the release: the path in-site links point to."""

from __future__ import annotations

from etl.publish.site import DATABASE_NAME


async def served(ds) -> str:
    """The path this release is served under: datasette-hashed-urls names it /havana-1962-<hash>, and links
    within the site point there, while citations give the stable /havana-1962 path."""
    await ds.invoke_startup()
    return "/" + ds.get_database(DATABASE_NAME).route
