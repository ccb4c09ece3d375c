"""What the tool waits for and reads from a server unless told otherwise, defined once: the CLI's
options, the stores and the loader all take these (this module imports nothing, so that the CLI's
``--help`` stays fast)."""

from __future__ import annotations

DEFAULT_TIMEOUT = 30.0  # seconds to wait for a server's answer
LOAD_TIMEOUT = 120.0  # seconds to wait for each request of `load` (a whole graph goes up)
MAX_BYTES = 2**30  # the largest answer read from a server: 1 GiB

__all__ = ["DEFAULT_TIMEOUT", "LOAD_TIMEOUT", "MAX_BYTES"]
