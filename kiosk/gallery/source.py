"""What the gallery needs from the store: the template set's fingerprint, keys and vectors."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class TemplateSource(Protocol):
    """The store side of the gallery (implemented by kiosk.store.Store).

    Only templates of *active* people and of the given embedder model belong to the gallery.
    """

    def gallery_fingerprint(self, model_id: str) -> str:
        """A cheap string that changes whenever the gallery's template set changes
        (count, max id and sum of ids of the active templates of ``model_id``)."""
        ...

    def gallery_keys(self, model_id: str) -> tuple[np.ndarray, np.ndarray]:
        """(template_ids int64, person_ids int64) of the gallery, ordered by template id."""
        ...

    def gallery_vectors(self, model_id: str, template_ids: np.ndarray) -> np.ndarray:
        """float32 (n, dim) embeddings of ``template_ids``, in that order."""
        ...

    def person_names(self, person_ids: list[int]) -> dict[int, str]:
        """Display names of the given people."""
        ...
