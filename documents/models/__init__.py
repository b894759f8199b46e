"""Normative documents (规范性文件) filed with the standing committee, their review (备案审查) and
citizens' review suggestions (审查建议).

registry.py     IssuingBody, NormativeDocument, DocumentFile
review.py       Review, ReviewSuggestion
pages.py        DocumentRegistryPage (the public registry, routable)
"""

from .pages import DocumentRegistryPage
from .registry import DocumentFile, IssuingBody, NormativeDocument
from .review import Review, ReviewSuggestion

__all__ = [
    "DocumentFile",
    "DocumentRegistryPage",
    "IssuingBody",
    "NormativeDocument",
    "Review",
    "ReviewSuggestion",
]
