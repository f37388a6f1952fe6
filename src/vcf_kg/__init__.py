"""vcf-kg: an open knowledge graph of vertebral compression fracture management.

The public API is in ``vcf_kg.api`` and re-exported here; imports are lazy so that the CLI starts fast.
"""
from __future__ import annotations

__version__ = "0.2.0"
__all__ = ["build_release", "validate_release", "open_store", "query", "competency_questions", "export", "catalogue",
           "load", "publish", "diff"]


def __getattr__(name: str):
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(name)
