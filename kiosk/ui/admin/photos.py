"""Adding people from photos: one person from image files, or a folder with one sub-folder per person
(the same code as ``kiosk import``: kiosk.people.PeopleService.import_folder)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.enrollment import Rejected, Shot
from kiosk.errors import ImageError, NoFaceError
from kiosk.people import ImportProgress, ImportResult, PeopleService
from kiosk.ui.admin.common import TOUCH_STYLE, PersonFormMixin, jpeg_pixmap, set_role
from kiosk.ui.admin.tasks import TaskThread
from kiosk.vision.image_io import read_image

THUMB_PX = 96


def _rejected_item(r: Rejected) -> QListWidgetItem:
    return QListWidgetItem(f"{Path(r.image).name}: {r.reason}")


class PhotoEnrollDialog(PersonFormMixin, QDialog):
    """Enroll one person from image files: faces are found on a worker thread, then name, consent, Save.

    After acceptance ``person_id`` is the new person's id.
    """

    def __init__(self, people: PeopleService, images: Sequence[str | Path], group_names: Sequence[str] = (),
                 actor: str = "admin", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.people = people
        self.enroller = people.enroller  # the models load here, on the GUI thread, not on the worker
        self.images = [str(p) for p in images]
        self.actor = actor
        self.shots: list[Shot] = []
        self.rejected: list[Rejected] = []
        self.person_id: int | None = None
        self.setModal(True)
        self.setStyleSheet(TOUCH_STYLE)
        self.setWindowTitle(self.tr("Enroll from photos"))
        self.status = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, max(1, len(self.images)))
        self.faces = QListWidget(self)
        self.faces.setViewMode(QListWidget.ViewMode.IconMode)
        self.faces.setIconSize(QSize(THUMB_PX, THUMB_PX))
        self.faces.setFixedHeight(THUMB_PX + 48)
        self.skipped = QListWidget(self)
        form = self._build_person_form(list(group_names))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(set_role(QLabel(self.tr("New person from photos"), self), "title"))
        layout.addWidget(self.status)
        layout.addWidget(self.bar)
        layout.addWidget(self.faces)
        layout.addWidget(QLabel(self.tr("Skipped photos"), self))
        layout.addWidget(self.skipped)
        layout.addLayout(form)
        layout.addWidget(self.consent_box)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        for sig in (self.name_edit.textChanged, self.consent_box.toggled):
            sig.connect(self._refresh_buttons)
        self.task = TaskThread(self._analyse, self)
        self.task.progress.connect(self._on_progress)
        self.task.succeeded.connect(self._on_done)
        self.task.failed.connect(self.error_label.setText)
        self.status.setText(self.tr("Looking for the face in {n} photo(s)…").format(n=len(self.images)))
        self._refresh_buttons()
        self.task.start()

    def _analyse(self, report: Any, cancelled: Any) -> tuple[list[Shot], list[Rejected]]:
        shots: list[Shot] = []
        rejected: list[Rejected] = []
        for i, path in enumerate(self.images):
            if cancelled():
                break
            report(i, len(self.images), Path(path).name)
            try:
                shots.append(self.enroller.shot_from_frame(read_image(path), path))
            except (ImageError, NoFaceError) as exc:
                rejected.append(Rejected(path, str(exc).removeprefix(f"{path}: ")))
        report(len(self.images), len(self.images), "")
        return shots, rejected

    def _on_progress(self, done: int, total: int, _current: str) -> None:
        self.bar.setValue(done)

    def _on_done(self, result: tuple[list[Shot], list[Rejected]]) -> None:
        self.shots, self.rejected = result
        for s in self.shots:
            pm = jpeg_pixmap(s.crop_jpeg, THUMB_PX)
            item = QListWidgetItem(QIcon(pm) if pm is not None else QIcon(), Path(s.source).name)
            self.faces.addItem(item)
        for r in self.rejected:
            self.skipped.addItem(_rejected_item(r))
        self.status.setText(self.tr("Usable photos: {n}. Skipped: {skipped}.").format(
            n=len(self.shots), skipped=len(self.rejected)))
        self._refresh_buttons()

    @property
    def analysed(self) -> bool:
        """True once every photo was looked at."""
        return self.task.isFinished() and self.task.result is not None

    def ready_to_save(self) -> bool:
        """At least one usable photo, a name and consent."""
        return bool(self.shots) and bool(self.name_edit.text().strip()) and self.consent_box.isChecked()


    def done(self, result: int) -> None:
        self.task.cancel()
        self.task.wait(30_000)
        super().done(result)


class ImportFolderDialog(QDialog):
    """Import ``folder/<person name>/*.jpg`` with progress and cancel (the ``kiosk import`` code)."""

    def __init__(self, people: PeopleService, folder: str | Path, group_names: Sequence[str] = (),
                 actor: str = "admin", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.people = people
        # Models and gallery open here, on the GUI thread, rather than inside the import's worker thread.
        people.enroller  # noqa: B018
        people.gallery  # noqa: B018
        self.folder = Path(folder)
        self.actor = actor
        self.result_data: ImportResult | None = None
        self.task: TaskThread | None = None
        self.setModal(True)
        self.setStyleSheet(TOUCH_STYLE)
        self.setWindowTitle(self.tr("Import a folder of people"))
        intro = QLabel(self.tr("Each sub-folder of {folder} is one person, named after the sub-folder.")
                       .format(folder=str(self.folder)), self)
        intro.setWordWrap(True)
        self.group_edit = QComboBox(self)
        self.group_edit.setEditable(True)
        self.group_edit.addItems(["", *group_names])
        self.duplicates_box = QCheckBox(self.tr("Also enroll faces that match someone already enrolled"), self)
        self.consent_box = QCheckBox(self.tr("Everyone in these photos agreed to be enrolled"), self)
        form = QFormLayout()
        form.addRow(self.tr("Group"), self.group_edit)
        self.bar = QProgressBar(self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.skipped = QListWidget(self)
        self.start_button = set_role(QPushButton(self.tr("Import"), self), "primary")
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.addWidget(set_role(QLabel(self.tr("Import a folder of people"), self), "title"))
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.duplicates_box)
        layout.addWidget(self.consent_box)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addWidget(self.skipped, 1)
        layout.addLayout(buttons)
        self.consent_box.toggled.connect(lambda on: self.start_button.setEnabled(on and self.task is None))
        self.start_button.setEnabled(False)

    def start(self) -> None:
        """Run the import on a worker thread."""
        if self.task is not None or not self.consent_box.isChecked():
            return
        group = self.group_edit.currentText().strip() or None
        allow = self.duplicates_box.isChecked()

        def work(report: Any, cancelled: Any) -> ImportResult:
            def step(p: ImportProgress) -> None:
                report(p.done, p.total, p.current)

            return self.people.import_folder(self.folder, group=group, allow_duplicate=allow, on_progress=step,
                                             cancelled=cancelled, consent_by=self.actor, actor=self.actor)

        self.task = TaskThread(work, self)
        self.task.progress.connect(self._on_progress)
        self.task.succeeded.connect(self._on_done)
        self.task.failed.connect(self._on_failed)
        for w in (self.start_button, self.group_edit, self.duplicates_box, self.consent_box):
            w.setEnabled(False)
        self.status.setText(self.tr("Starting…"))
        self.task.start()

    def _on_progress(self, done: int, total: int, current: str) -> None:
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(done)
        if current:
            self.status.setText(self.tr("{done} of {total}: {name}").format(done=done + 1, total=total, name=current))

    def _on_done(self, result: ImportResult) -> None:
        self.result_data = result
        text = self.tr("Imported {people} people with {templates} face shot(s); {skipped} photo(s) skipped.").format(
            people=result.people, templates=result.templates, skipped=len(result.rejected))
        if result.cancelled:
            text = self.tr("Stopped.") + " " + text
        self.status.setText(text)
        for r in result.rejected:
            self.skipped.addItem(_rejected_item(r))
        self.cancel_button.setText(self.tr("Close"))

    def _on_failed(self, message: str) -> None:
        self.status.setText(self.tr("The import failed: {error}").format(error=message))
        self.cancel_button.setText(self.tr("Close"))

    @property
    def finished_import(self) -> bool:
        """True when the import ran to its end (or stopped) and the result is shown."""
        return self.result_data is not None

    def cancel(self) -> None:
        """Stop a running import after the current person (everything before is kept), or close."""
        if self.task is not None and self.task.isRunning():
            self.task.cancel()
            self.status.setText(self.tr("Stopping after this person…"))
            return
        self.reject()

    def done(self, result: int) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task.wait(60_000)
        super().done(result)


