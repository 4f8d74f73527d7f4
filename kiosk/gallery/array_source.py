"""An in-memory TemplateSource over numpy arrays: for the LFW evaluation, the benchmark and tests."""

from __future__ import annotations

import numpy as np

from kiosk.gallery.source import PeopleSnapshot


class ArraySource:
    """Templates held in growable numpy arrays, behaving like the store's side of the gallery.

    Template ids increase like SQLite AUTOINCREMENT ids (never reused); removed templates are only
    marked inactive so ids stay sorted and lookups stay a binary search. One embedder model.
    """

    def __init__(self, model_id: str, dim: int, capacity: int = 1024) -> None:
        self.model_id = model_id
        self.dim = dim
        self._ids = np.zeros(capacity, np.int64)
        self._persons = np.zeros(capacity, np.int64)
        self._vectors = np.zeros((capacity, dim), np.float32)
        self._active = np.zeros(capacity, bool)
        self._n = 0
        self.names: dict[int, str] = {}

    @classmethod
    def from_arrays(
        cls,
        model_id: str,
        person_ids: np.ndarray,
        vectors: np.ndarray,
        names: dict[int, str] | None = None,
    ) -> ArraySource:
        """A source holding ``vectors`` (n, dim) of ``person_ids`` as templates 1..n."""
        vectors = np.asarray(vectors, np.float32)
        src = cls(model_id, vectors.shape[1], capacity=max(1024, len(vectors)))
        n = len(vectors)
        src._ids[:n] = np.arange(1, n + 1)
        src._persons[:n] = np.asarray(person_ids, np.int64)
        src._vectors[:n] = vectors
        src._active[:n] = True
        src._n = n
        src.names = dict(names or {})
        return src

    def _grow(self) -> None:
        cap = len(self._ids) * 2
        for name in ("_ids", "_persons", "_vectors", "_active"):
            old = getattr(self, name)
            new = np.zeros((cap, *old.shape[1:]), old.dtype)
            new[: self._n] = old[: self._n]
            setattr(self, name, new)

    def add(self, person_id: int, vector: np.ndarray, name: str | None = None) -> int:
        """Add one template of ``person_id``; returns its new template id."""
        if self._n == len(self._ids):
            self._grow()
        tid = int(self._ids[self._n - 1]) + 1 if self._n else 1
        self._ids[self._n] = tid
        self._persons[self._n] = person_id
        self._vectors[self._n] = vector
        self._active[self._n] = True
        self._n += 1
        if name is not None:
            self.names[person_id] = name
        return tid

    def remove_templates(self, template_ids: np.ndarray | list[int]) -> None:
        """Drop templates by id (unknown ids are ignored)."""
        ids = np.asarray(template_ids, np.int64)
        pos = np.searchsorted(self._ids[: self._n], ids)
        ok = (pos < self._n) & (self._ids[np.minimum(pos, max(self._n - 1, 0))] == ids)
        self._active[pos[ok]] = False

    def remove_person(self, person_id: int) -> None:
        """Drop every template of ``person_id``."""
        self._active[: self._n][self._persons[: self._n] == person_id] = False

    # --- TemplateSource -------------------------------------------------------------------------

    def gallery_fingerprint(self, model_id: str) -> str:
        """count:max:sum of the active template ids (the store's recipe)."""
        ids, _ = self.gallery_keys(model_id)
        if not len(ids):
            return "0:0:0"
        return f"{len(ids)}:{int(ids[-1])}:{int(ids.sum())}"

    def gallery_keys(self, model_id: str) -> tuple[np.ndarray, np.ndarray]:
        """(template ids, person ids) of the active templates, by template id."""
        if model_id != self.model_id:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        act = self._active[: self._n]
        return self._ids[: self._n][act].copy(), self._persons[: self._n][act].copy()

    def gallery_vectors(self, model_id: str, template_ids: np.ndarray) -> np.ndarray:
        """Vectors of ``template_ids`` in that order (KeyError for an unknown id)."""
        ids = np.asarray(template_ids, np.int64)
        if model_id != self.model_id:
            raise KeyError(f"no templates of model {model_id}")
        pos = np.searchsorted(self._ids[: self._n], ids)
        if len(ids) and (pos.max() >= self._n or not np.array_equal(self._ids[pos], ids)):
            raise KeyError("unknown template id")
        return self._vectors[pos].copy()

    def person_names(self, person_ids: list[int]) -> dict[int, str]:
        """Names of the given people (missing names fall back to ``person <id>``)."""
        return {int(p): self.names.get(int(p), f"person {int(p)}") for p in person_ids}

    def gallery_names(self, model_id: str) -> dict[int, str]:
        """Names of everyone with an active template."""
        _, persons = self.gallery_keys(model_id)
        return self.person_names(np.unique(persons).tolist())

    def gallery_people(self, model_id: str, person_ids: list[int]) -> PeopleSnapshot:
        """These people's active templates (a person without any counts as gone, like a deactivated one)."""
        keys, persons = self.gallery_keys(model_id)
        sel = np.isin(persons, np.asarray(list(person_ids), np.int64))
        keys, persons = keys[sel], persons[sel]
        vectors = self.gallery_vectors(model_id, keys) if len(keys) else np.zeros((0, self.dim), np.float32)
        return PeopleSnapshot(self.person_names(np.unique(persons).tolist()), keys, persons, vectors)
