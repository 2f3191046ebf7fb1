"""Benchmarks of the havana-1962 build and site (``make bench``): see ``bench/__main__.py``."""
