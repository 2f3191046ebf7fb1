"""Rows: one record's parts (frame, cast, turns, notes) turned into the rows of every table, with offsets."""
