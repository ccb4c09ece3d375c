"""RDF vocabulary and term writing: the floor everything else stands on."""

from policygraph.rdf import namespaces
from policygraph.rdf.namespaces import *  # noqa: F403

__all__ = namespaces.__all__
