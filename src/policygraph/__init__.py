"""policygraph: a knowledge graph of Chinese policy provisions, and the tool around it."""

__version__ = "0.1.0"
