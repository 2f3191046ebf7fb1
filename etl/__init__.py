"""havana-1962: the pipeline that turns the seed records into the dataset, and the site that publishes it.

Read it top to bottom, a folder a stage (what each may import is ``ALLOWED`` in ``tests/test_code_layout.py``,
and the README's code map says the same):

- ``errors``, ``paths`` and ``dates``: the errors that name a file and line, where the project's files are, and
  the month names as the records print them; they import nothing of the package.
- ``curation`` (over ``curated/``, the facts the seeds do not print, each with its source, checked against
  ``curated/schemas/``): may use ``errors`` and ``paths``. ``schema`` (the one definition of the tables): may use
  ``curation`` only.
- ``read/``: a record's text to its parts: ``seeds`` (find, checksum, read) -> ``layers`` (a text layer's
  hard-wrapped lines, end-of-line hyphens and labels on their own line, where the text shows them) ->
  ``frame`` (the record's head, closing and site chrome) -> ``blocks`` (paragraphs, labels) -> ``notes``
  (brackets and note types) -> ``cast`` and ``registry`` (who takes part) -> ``speakers`` (turns and
  attribution) -> ``articles``, with ``vocabulary`` (the curated reading vocabularies); may use ``errors``,
  ``paths``, ``dates`` and ``curation``, never ``schema``.
- ``rows/``: the parts to typed table rows (``record`` assembles one record's rows; ``ledger`` accounts for
  every character); may use ``read/``, ``schema``, ``curation``, ``errors`` and ``paths``.
- ``invariants`` and ``load``: every row checked, then loaded into SQLite with sqlite-utils, atomically; may use
  ``errors`` and ``schema`` only.
- ``publish/``: the data package (Frictionless), the Datasette metadata, the data dictionary, the citations, the
  static edition, the release, the server; may use the base, ``curation`` and ``schema``, never ``read/`` or
  ``rows/``.
- ``site/``: the Datasette plugins, templates and stylesheet of the live site; may use ``publish/``, ``schema``,
  ``curation``, ``errors`` and ``paths``.

``build`` (every record read, checked and loaded), ``report`` (what ``read`` prints), ``cli`` (the command line)
and ``__main__`` (``python -m etl``) are the doors that may reach across.
"""
