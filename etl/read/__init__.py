"""Reading: a record's text into its parts (frame, blocks, notes, speakers, articles), with offsets."""
