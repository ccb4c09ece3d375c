"""Reading a document and extracting what it says: structure (parts, items, responsibility
annotations), amounts, dates, citations, names and the metadata the genre puts in its first and
last lines. Pure functions of text: no files, no graph store."""
