"""Publishing: the Datasette site, the data package, citation files, the release and the data dictionary."""
