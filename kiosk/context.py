"""The composition root: builds config, models, pipeline, store, gallery and services once, in one place.

CLI commands and the Qt window both receive an AppContext; nothing else wires components together. The
window's admin screens get their services here (people, accounts, privacy settings, attendance ledger,
dead letters) and never the store itself.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import paths
from kiosk.config import Config, load_config
from kiosk.errors import ConfigError
from kiosk.modelzoo.locate import ModelLocator, default_model_dirs
from kiosk.modelzoo.manifest import Manifest, ModelSpec, Pack, load_manifest

if TYPE_CHECKING:
    from kiosk.admin.accounts import Accounts
    from kiosk.admin.privacy import PrivacySettings
    from kiosk.attendance.ledger import AttendanceLedger
    from kiosk.attendance.liveness import LivenessGate
    from kiosk.attendance.session import KioskSession
    from kiosk.attendance.spoof_log import SpoofLog
    from kiosk.enrollment import Enroller
    from kiosk.gallery import FeedFollower, Gallery
    from kiosk.outputs import DeliveryWorker
    from kiosk.outputs.dead_letters import DeadLetters
    from kiosk.people import PeopleService
    from kiosk.reembed import ReembedProgress, ReembedResult
    from kiosk.store import Store
    from kiosk.vision.antispoof import AntiSpoofEnsemble
    from kiosk.vision.pipeline import FacePipeline

log = logging.getLogger(__name__)


@dataclass
class Overrides:
    """Command-line overrides of the config (global CLI options)."""

    home: str | None = None
    config: str | None = None
    model_dir: str | None = None
    pack: str | None = None
    det_size: int | None = None
    threads: int | None = None
    database_url: str | None = None
    liveness: str | None = None
    keep_backup: bool = False
    extra: dict[str, object] = field(default_factory=dict)


class AppContext:
    """Everything a command or the window needs, created lazily and only once."""

    def __init__(self, overrides: Overrides | None = None, config: Config | None = None,
                 tolerate_bad_config: bool = False) -> None:
        self.overrides = overrides or Overrides()
        if self.overrides.home:
            paths.set_home(self.overrides.home)
        self.config_path = Path(self.overrides.config) if self.overrides.config else paths.config_path()
        # `kiosk doctor` must still run (on defaults) and report a broken config file as a problem.
        self.config_error: str | None = None
        try:
            self.config = config or load_config(self.config_path)
        except ConfigError as exc:
            if not tolerate_bad_config:
                raise
            self.config_error = str(exc)
            self.config = Config()
        # Startup move of templates made by another embedder (see move_templates): the command line
        # sets a progress bar and a reporter; without a reporter, people left behind are logged.
        self.reembed_progress: Callable[[ReembedProgress], None] | None = None
        self.reembed_report: Callable[[ReembedResult], None] | None = None
        self.reembed_result: ReembedResult | None = None

    @cached_property
    def manifest(self) -> Manifest:
        """The model manifest, with this site's own models (``kiosk models add``) laid over it."""
        from kiosk.modelzoo.overlay import apply_overlay, overlay_path

        return apply_overlay(load_manifest(), overlay_path())

    @cached_property
    def locator(self) -> ModelLocator:
        """Finds and verifies model files."""
        return ModelLocator(default_model_dirs(self.overrides.model_dir, self.config.models.dir or None))

    @cached_property
    def pack(self) -> Pack:
        """The active model pack (``--pack`` over config); a former pack name works with a notice."""
        name = self.overrides.pack or self.config.models.pack
        pack = self.manifest.pack(name)
        if pack.name != name:
            print(f"notice: model pack '{name}' is now called '{pack.name}'; please use the new name",
                  file=sys.stderr)
        return pack

    def _active(self, model_id: str) -> str:
        """``model_id``, or the float32 original it names when a model folder holds that file.

        A site may take OpenCV Zoo's own float32 files from their publisher: put in a model folder,
        they replace the converted int8 builds. A file there with the wrong sha256 is refused
        (resolve raises), never silently passed over.
        """
        original = self.manifest.get(model_id).extra.get("original")
        if original:
            spec = self.manifest.get(str(original))
            if self.locator.find(spec) is not None:
                self.locator.resolve(spec)  # a damaged or different file: a clear error, both hashes
                return spec.id
        return model_id

    @cached_property
    def detector_id(self) -> str:
        """Manifest id of the detector that runs: ``[models] detector``, else the pack's."""
        return self._active(self.config.models.detector or self.pack.detector)

    @cached_property
    def embedder_id(self) -> str:
        """Manifest id of the embedder that runs (templates are tagged with it):
        ``[models] embedder`` (e.g. a site's own model from ``kiosk models add``), else the pack's."""
        return self._active(self.config.models.embedder or self.pack.embedder)

    @property
    def embedder_spec(self) -> ModelSpec:
        """Manifest entry of the active embedder."""
        return self.manifest.get(self.embedder_id)

    @property
    def threshold(self) -> float:
        """1:1 verification threshold of the embedder (``kiosk compare``): the manifest's, from LFW."""
        return self.embedder_spec.threshold

    @property
    def match_threshold(self) -> float:
        """1:N identification threshold (gallery, kiosk): config, else the embedder's open-set default.

        Far higher than the 1:1 threshold: against hundreds of enrolled people a stranger's best
        match is the maximum of hundreds of impostor scores (`kiosk calibrate` sets it per site).
        """
        spec = self.embedder_spec
        return self.config.recognition.threshold or spec.open_set_threshold or spec.threshold

    @property
    def match_margin(self) -> float:
        """Lead over the runner-up person needed to name someone: config, else the embedder's default."""
        return self.config.recognition.margin or self.embedder_spec.margin

    @cached_property
    def pipeline(self) -> FacePipeline:
        """The recognition pipeline of the active pack (models verified and loaded on first use)."""
        from kiosk.vision.pipeline import FacePipeline, PipelineOptions

        m = self.config.models
        return FacePipeline.build(
            self.manifest,
            self.locator,
            PipelineOptions(
                detector=self.detector_id,
                embedder=self.embedder_id,
                det_size=self.overrides.det_size or m.det_size,
                det_threshold=m.det_threshold,
                threads=self.overrides.threads if self.overrides.threads is not None else m.threads,
                flip=m.flip,
                refine_kps=m.refine_kps,
                min_face_px=0.0,
            ),
        )

    @property
    def database_url(self) -> str:
        """``--database-url``, then ``DATABASE_URL``, then config, then SQLite in the data home."""
        url = self.overrides.database_url or os.environ.get("DATABASE_URL") or self.config.database.url
        return url or f"sqlite:///{paths.home_dir() / 'kiosk.sqlite3'}"

    @cached_property
    def store(self) -> Store:
        """The database (created or upgraded on first use)."""
        from kiosk.store import Store

        db = self.config.database
        return Store.open(self.database_url, key_file=Path(db.key_file).expanduser() if db.key_file else None,
                          keep_backup=self.overrides.keep_backup or db.keep_backup)

    def _index_path(self, model_id: str) -> Path:
        import hashlib

        # One index file per database and embedder: a kiosk pointed at another database never reuses it.
        tag = hashlib.sha256(self.database_url.encode()).hexdigest()[:10]
        return paths.cache_dir() / f"gallery-{model_id}-{tag}.usearch"

    @property
    def gallery_index_path(self) -> Path:
        """The persisted index of the active embedder for this database (derived data, rebuildable)."""
        return self._index_path(self.embedder_id)

    def templates_to_move(self) -> int:
        """How many templates of other embedders the next :meth:`move_templates` would re-embed
        (cheap: no model is loaded; the window shows its progress screen only when this is not 0)."""
        from kiosk.reembed import count_to_move

        return count_to_move(self.store, self.embedder_id)

    def move_templates(self, on_progress: Callable[[ReembedProgress], None] | None = None,
                       cancelled: Callable[[], bool] | None = None, retry_failed: bool = False,
                       actor: str = "system") -> ReembedResult:
        """Move the templates other embedders made to the active one, from their stored crops.

        Crash-safe and resumable (:mod:`kiosk.reembed`). The gallery runs it before it opens (with
        ``reembed_progress``), so every start finishes an interrupted move; the window runs it
        first on a worker thread behind its progress screen. People left behind go to
        ``reembed_report``, else to the log. Index files of embedders no template uses any more
        are deleted (they hold biometric vectors of this database).
        """
        result = self.people.reembed(on_progress, cancelled, retry_failed=retry_failed, actor=actor)
        self.reembed_result = result
        if result.moved:
            from kiosk.gallery import persist

            left = self.store.templates.count_by_model()
            for model_id in result.from_models:
                if model_id not in left:
                    persist.retire(self._index_path(model_id))
        if self.reembed_report is not None:
            self.reembed_report(result)
        else:
            for p in result.people_not_moved:
                log.warning("face templates not moved to %s: %s", result.model_id, p.describe())
        return result

    @cached_property
    def gallery(self) -> Gallery:
        """The usearch gallery of the active embedder, verified against the database (ready to match).

        Templates of another embedder are moved to the active one first (unless this context did so).
        """
        from kiosk.gallery import Gallery

        model_id = self.pipeline.model_id
        if self.reembed_result is None:
            self.move_templates(self.reembed_progress)
        gallery = Gallery(self.store.gallery_source, model_id, self.pipeline.dim, self.match_threshold,
                          self.match_margin, self.gallery_index_path)
        gallery.ready()
        return gallery

    @cached_property
    def gallery_follower(self) -> FeedFollower:
        """Keeps :attr:`gallery` in step with the database's change feed (not started: see follow_changes)."""
        from kiosk.gallery import FeedFollower

        return FeedFollower(self.gallery, self.store.feed)

    def follow_changes(self) -> FeedFollower:
        """Start following the change feed (once): what a running kiosk (the window, ``kiosk run``) does, so
        that people enrolled, changed or removed anywhere on this database are seen within about a second.
        One-shot commands do not need it: their gallery is brought in line at startup."""
        follower = self.gallery_follower
        follower.start()
        return follower

    @cached_property
    def enroller(self) -> Enroller:
        """Finds the one subject face of photos and camera frames (enrollment's face side)."""
        from kiosk.enrollment import Enroller

        return Enroller(self.pipeline, float(self.config.recognition.min_face_px))

    @cached_property
    def people(self) -> PeopleService:
        """The one owner of people changes (enroll, import, edit, (de)activate, delete, re-embed) across the
        store, this process's gallery and the change feed. Lazy: listing people opens no model or gallery."""
        from kiosk.people import PeopleService

        return PeopleService(self.store, lambda: self.gallery, lambda: self.enroller)

    def accounts(self, clock: Callable[[], float] = time.time) -> Accounts:
        """Admin accounts, logins with lockout and the setup code (``clock``: wall-clock seconds, for tests)."""
        from kiosk.admin.accounts import Accounts

        return Accounts(self.store, clock)

    @cached_property
    def privacy(self) -> PrivacySettings:
        """Retention and the presentation-attack check of every kiosk on the database, and the audit log
        (the config's retention applies until an admin chooses one)."""
        from kiosk.admin.privacy import PrivacySettings

        return PrivacySettings(self.store, self.config.attendance.retention_days)

    @cached_property
    def attendance_ledger(self) -> AttendanceLedger:
        """Recorded attendance for review, corrections (void, reassign) and the CSV export."""
        from kiosk.attendance.ledger import AttendanceLedger

        return AttendanceLedger(self.store)

    @cached_property
    def dead_letters(self) -> DeadLetters:
        """The outputs' messages that ran out of retries, and sending them again."""
        from kiosk.outputs.dead_letters import DeadLetters

        return DeadLetters(self.store)

    def open_session(self) -> KioskSession:
        """The store, the ready gallery and a recognizer recording attendance as the config says
        (the window and ``kiosk run``). The context still owns the store and gallery (``close()``)."""
        from kiosk.attendance.policy import default_kiosk_id
        from kiosk.attendance.session import open_session
        from kiosk.outputs import routes

        pipeline = self.pipeline  # load models first: onnxruntime must be imported before usearch
        liveness, spoof_log = self.liveness_parts(default_kiosk_id(self.config.attendance.kiosk_id))
        outputs = self.config.outputs
        return open_session(pipeline, self.store, self.gallery, self.config.attendance, self.config.recognition,
                            self.follow_changes(), liveness, spoof_log, outbox=routes(outputs),
                            on_recorded=self.delivery.notify if outputs else None)

    # -- liveness (presentation-attack detection) ------------------------------------------------------
    @cached_property
    def antispoof(self) -> AntiSpoofEnsemble:
        """The anti-spoofing networks found in the model folders (none, one or both; never raises)."""
        from kiosk.vision.antispoof import AntiSpoofEnsemble

        return AntiSpoofEnsemble.load(self.manifest, self.locator, threads=1)

    @property
    def liveness_override(self) -> str | None:
        """``--liveness`` of this run, or None (the admin setting, else the config, decides)."""
        return self.overrides.liveness

    def liveness_parts(self, kiosk_id: str) -> tuple[LivenessGate, SpoofLog]:
        """The recognizer's liveness gate (its mode followed live from the admin setting) and the log of attacks.

        With liveness on at start the networks are loaded now, and a missing file is reported (on stderr
        and in the log) naming it and its sha256: the motion cue then works alone.
        """
        from kiosk.attendance.liveness import LivenessGate, ModeSource
        from kiosk.attendance.spoof_log import SpoofLog
        from kiosk.vision.liveness import LivenessSettings

        lc = self.config.liveness
        reader = None if self.overrides.liveness else self.store.settings.get
        source = ModeSource(self.overrides.liveness, lc.mode, reader)
        gate = LivenessGate(LivenessSettings.from_config(lc), source, lambda: self.antispoof)
        mode = source()
        if mode != "off":
            status = self.antispoof.status
            for problem in status.problems:
                alone = "the motion cue works alone" if not status.loaded else f"using {', '.join(status.loaded)}"
                print(f"warning: liveness ({mode}): {problem}; {alone}", file=sys.stderr)
                log.warning("liveness (%s): %s; %s", mode, problem, alone)
        spoof_log = SpoofLog(self.store.audit, kiosk_id, retention_days=self.privacy.retention_days)
        return gate, spoof_log

    @property
    def kiosk_id(self) -> str:
        """This kiosk's name in events and outbox messages ([attendance] kiosk_id, else the host name)."""
        from kiosk.attendance.policy import default_kiosk_id

        return default_kiosk_id(self.config.attendance.kiosk_id)

    @cached_property
    def delivery(self) -> DeliveryWorker:
        """The started delivery worker of this kiosk's [[outputs]] (the window and ``kiosk run``)."""
        from kiosk.outputs import start_worker

        return start_worker(self.store.outbox, self.kiosk_id, self.config.outputs)

    def close(self) -> None:
        """Stop following the change feed, flush the gallery and release the database."""
        if "delivery" in self.__dict__:
            self.delivery.stop()  # what is still pending stays in the outbox for the next start
        if "gallery_follower" in self.__dict__:
            self.gallery_follower.stop()
        if "gallery" in self.__dict__:
            self.gallery.close()
        if "store" in self.__dict__:
            self.store.close()
