"""What the graph answers, as data: task tables, chains, the department network, link
suggestions, the corpus summary. Views run SPARQL through a store and return typed rows; they
never format text (that is :mod:`policygraph.render`)."""
