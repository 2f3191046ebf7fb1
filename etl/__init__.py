"""havana-1962: the pipeline that turns the seed records into the dataset, and the site that publishes it.

Read it top to bottom, a folder a stage:

- ``read/``: a record's text to its parts: ``seeds`` (find, checksum, read) -> ``frame`` (the record's
  head, closing and site chrome) -> ``blocks`` (paragraphs, labels) -> ``notes`` (brackets and note types)
  -> ``cast`` and ``registry`` (who takes part) -> ``speakers`` (turns and attribution) -> ``articles``.
- ``rows/``: the parts to typed table rows (``record`` assembles one record's rows; ``ledger`` accounts for
  every character).
- ``build``, ``invariants`` and ``load``: every record read, checked and loaded into SQLite with sqlite-utils,
  atomically.
- ``publish/``: the data package (Frictionless), the Datasette metadata, the citations, the static edition,
  the release, the server.
- ``site/``: the Datasette plugins, templates and stylesheet of the live site.

``schema`` and ``errors`` are the base every stage may use; ``cli`` is the command line over it all.
"""
