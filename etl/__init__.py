"""havana-1962: the pipeline that turns the seed records into the dataset.

Read it top to bottom: ``seeds`` (find, checksum, read) -> ``layout`` (split chrome, metadata and body)
-> ``blocks`` (paragraphs, labels) -> ``notes`` (brackets and note types) -> ``speakers`` (turns and
attribution) -> ``articles`` -> ``records`` (assemble rows, check invariants) -> ``load`` (SQLite with
sqlite-utils) -> ``package`` (Frictionless) / ``site`` (Datasette) / ``release``.
"""
