"""`policygraph ingest FILE`: add a policy document of the genre to the corpus.

The text is copied byte for byte into ``data/sources/``; its metadata is read where the genre
puts it (:mod:`policygraph.text.metadata`), options override what was read; structure,
responsibilities and amounts come from the same extractor as the corpus. Names that resolve to
known departments link to them; new ones become department nodes of the document's jurisdiction
(listed, with near misses, for the curator to merge). Documents the text says it implements
(为贯彻落实《…》（文号）) get a stated implementation link; ``accept_links`` records top-1
``suggest-links`` proposals above a score as judgements. Everything is planned in memory first
(:func:`plan`, under the corpus's lock where one document is planned to be written:
:func:`held`); :func:`apply` writes the files, rebuilds and validates, and puts the corpus back
as it was if the rebuild fails or the corpus with the document would fail validation. Ingesting the same file twice changes nothing.
"""

from policygraph.ingest.apply import Applied, apply, held
from policygraph.ingest.model import NewDepartment, Options, Plan
from policygraph.ingest.plan import plan

__all__ = ["Applied", "NewDepartment", "Options", "Plan", "apply", "concerning", "held", "plan"]
