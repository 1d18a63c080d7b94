"""Canonical N-Quads of a JSON-LD document (RDFC-1.0), with contexts from files we ship, never the network.

PyLD does the JSON-LD expansion and the canonicalization (its URDNA2015 is RDFC-1.0: the W3C
Recommendation renamed it without changing the output). Two rules make a signature mean what
it says:

- the document loader answers only the URLs in CONTEXTS, from lms/credentials/contexts/
  (see the README there); any other URL, and any fetch at all, raises UnknownContext;
- a property that JSON-LD would silently drop (a term no context defines, where no @vocab
  applies) raises DroppedProperty: a signature must never leave a visible field uncovered.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from cachetools import LRUCache
from pyld.context_resolver import ContextResolver
from pyld.jsonld import JsonLdError, JsonLdProcessor

CONTEXT_DIR = Path(__file__).parent / "contexts"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
#: URL → file in CONTEXT_DIR; nothing else can be loaded
CONTEXTS = {
    VC_V2: "credentials-v2.jsonld",
    OB_V3: "ob-context-3.0.3.json",
}


class CanonicalizationError(ValueError):
    """The document cannot be canonicalized as it stands (see the subclasses)."""


class UnknownContext(CanonicalizationError):
    """The document names a context that is not shipped with Rawat."""


class DroppedProperty(CanonicalizationError):
    """The document has a property no context defines, which a signature would not cover."""


@cache
def _context_document(url: str) -> dict:
    return json.loads((CONTEXT_DIR / CONTEXTS[url]).read_text(encoding="utf-8"))


class OfflineLoader:
    """A PyLD document loader over CONTEXTS plus `extra` (URL → parsed document, for tests and vectors).

    Each loader keeps its own cache of processed contexts, never PyLD's process-wide one: a context
    another loader once served must not become acceptable to this one.
    """

    def __init__(self, extra: dict[str, dict] | None = None):
        self.extra = dict(extra or {})
        #: processed contexts by URL (and inline contexts by their canonical JSON), PyLD's format
        self.resolved = LRUCache(maxsize=256)

    def __call__(self, url: str, _options=None) -> dict:
        if url in self.extra:
            document = self.extra[url]
        elif url in CONTEXTS:
            document = _context_document(url)
        else:
            raise UnknownContext(f"context not shipped with Rawat (never fetched): {url[:200]}")
        # "static": PyLD then keeps the processed context for the process (its shared cache), as it
        # may for a document that never changes
        return {"contextUrl": None, "documentUrl": url, "document": document, "tag": "static"}


DEFAULT_LOADER = OfflineLoader()


def _refuse_dropped(expanded_property) -> None:
    raise DroppedProperty(f"property not defined by any context: {str(expanded_property)[:120]}")


def canonical_nquads(document: dict, loader: OfflineLoader | None = None) -> str:
    """RDFC-1.0 canonical N-Quads of `document`. Raises CanonicalizationError."""
    processor = JsonLdProcessor(on_property_dropped=_refuse_dropped)
    loader = loader or DEFAULT_LOADER
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader,
               "contextResolver": ContextResolver(loader.resolved, loader)}
    try:
        return processor.normalize(document, options)
    except CanonicalizationError:
        raise
    except JsonLdError as error:
        cause = _root_cause(error)
        if isinstance(cause, CanonicalizationError):
            raise cause from None
        raise CanonicalizationError(f"not valid JSON-LD: {str(cause)[:200]}") from None
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as error:
        # PyLD on input that is JSON but not the shape JSON-LD expects
        raise CanonicalizationError(f"not valid JSON-LD: {type(error).__name__}") from None


def _root_cause(error: BaseException) -> BaseException:
    seen = 0
    while error.__cause__ is not None and seen < 20:
        error, seen = error.__cause__, seen + 1
    return error
