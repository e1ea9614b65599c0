"""Backup and restore on the database the run uses (SQLite or PostgreSQL): dump, wipe,
restore, and every model's row count and every file back as it was."""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult
from wagtail.documents import get_document_model

from certification import demo_ca, pdf
from certification.models import Certificate
from courses import progress
from courses.models import CoursePage, Enrolment, LessonCompletion
from officers.models import Officer
from operations import backup
from tests.courses.pages import make_course
from tests.courses.reading import read
from tests.factories import OfficerFactory

# pg_dump runs in another process: the data must be committed for it to see it.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)

GUIDE = "Hướng dẫn ký số tệp PDF — bản in.\n".encode() * 200


def all_counts():
    """Rows of every model, counted with the ORM (not with the backup's own SQL)."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        counts[model._meta.label] = model._base_manager.count()
    return counts


def wipe_files():
    for child in Path(settings.MEDIA_ROOT).iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()


@pytest.fixture
def signing(settings, tmp_path):
    material = demo_ca.create(tmp_path / "ca")
    settings.CERTIFICATE_SIGNING_KEY = str(material.key)
    settings.CERTIFICATE_SIGNING_CERT = str(material.cert)
    settings.CERTIFICATE_SIGNING_CHAIN = str(material.chain)
    settings.CERTIFICATE_SIGNING_KEY_PASSWORD = ""


@pytest.fixture
def platform(dien_bien, signing, settings):
    """Officers, a certifying course, enrolments, completions, a certificate with its signed
    PDF (private storage), a queued delivery, and a document trainers uploaded (media)."""
    settings.PROCEDURE_SYSTEM_EVENTS_URL = "http://127.0.0.1:9/events"
    settings.PROCEDURE_SYSTEM_SECRET = "backup-test-secret"
    course = make_course("Chữ ký số chuyên dùng công vụ", lessons=3, slug_prefix="sao-luu")
    course.issues_certificate = True
    course.certificate_valid_months = 24
    course.save()
    officers = [OfficerFactory() for _ in range(6)]
    lessons = list(course.lessons())
    for number, officer in enumerate(officers):
        progress.enrol(officer, course)
        for lesson in lessons[: number % 4]:
            read(officer, lesson)
    certificate = Certificate.objects.get()
    pdf.ensure_signed_pdf(certificate)
    certificate.refresh_from_db()
    document = get_document_model().objects.create(
        title="Hướng dẫn ký số", file=ContentFile(GUIDE, name="huong-dan-ky-so.txt")
    )
    return {"certificate": certificate, "document": document}


@pytest.fixture
def warm_content_types():
    """Restoring clears the content-type cache (ids may differ from before). Django's
    serialized_rollback reload for the next test relies on a warm cache: warm it again from
    the restored rows, which carry the serialized ids."""
    yield
    ContentType.objects.get_for_models(*apps.get_models(include_auto_created=True))


@committed
def test_backup_wipe_restore_brings_back_every_row_and_file(platform, tmp_path, warm_content_types):
    certificate, document = platform["certificate"], platform["document"]
    pdf_path = Path(certificate.pdf.path)
    pdf_bytes = pdf_path.read_bytes()
    document_path = Path(document.file.path)
    before = all_counts()
    assert before["officers.Officer"] >= 6
    assert before["certification.Certificate"] == 1
    assert before["courses.Enrolment"] == 6

    out = StringIO()
    call_command("backup", output=tmp_path / "backups", stdout=out)
    (directory,) = (tmp_path / "backups").iterdir()
    assert str(directory) in out.getvalue()
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["database"]["vendor"] == connection.vendor
    # The backup counted what the database held, model by model.
    for label, count in manifest["counts"].items():
        assert before[label] == count, label
    assert set(manifest["files"]) == {
        backup.DATABASE_FILES[connection.vendor],
        "media.tar.gz",
        "private.tar.gz",
    }
    assert (directory / "manifest.json").stat().st_mode & 0o077 == 0

    # Wipe: every row of every table, every uploaded and private file.
    call_command("flush", interactive=False, verbosity=0)
    wipe_files()
    assert Officer.objects.count() == 0
    assert get_user_model().objects.count() == 0
    assert CoursePage.objects.count() == 0
    assert not pdf_path.exists() and not document_path.exists()

    out = StringIO()
    call_command("restore", str(directory), no_input=True, stdout=out)
    assert "counts equal to the manifest" in out.getvalue()

    after = all_counts()
    for label, count in manifest["counts"].items():
        assert after[label] == count, label
    assert Enrolment.objects.count() == 6
    assert LessonCompletion.objects.count() == sum(n % 4 for n in range(6))
    assert DBTaskResult.objects.filter(backend_name="queue").exists()
    restored = Certificate.objects.get()
    assert restored.code == certificate.code
    assert restored.officer.full_name == certificate.officer.full_name
    # Files are back byte for byte, where the restored rows say they are.
    assert Path(restored.pdf.path).read_bytes() == pdf_bytes
    assert get_document_model().objects.get().file.read() == GUIDE
    # And the site works on the restored data: the course page and its lessons are there.
    assert CoursePage.objects.get(slug="sao-luu").lessons().count() == 3


@committed
def test_restore_refuses_a_damaged_backup_and_changes_nothing(dien_bien, tmp_path):
    officer = OfficerFactory()
    call_command("backup", output=tmp_path, stdout=StringIO())
    (directory,) = tmp_path.iterdir()
    database_file = directory / backup.DATABASE_FILES[connection.vendor]
    with open(database_file, "r+b") as handle:
        handle.seek(database_file.stat().st_size // 2)
        handle.write(b"\x00garbage\x00")
    OfficerFactory()
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(directory), no_input=True, stdout=StringIO())
    assert Officer.objects.filter(pk=officer.pk).exists()
    assert Officer.objects.count() == 2


@pytest.mark.django_db
def test_backup_refuses_to_run_inside_a_transaction(tmp_path):
    # A dump taken inside an open transaction could not see other connections' commits
    # consistently (and pg_dump could not share its snapshot).
    with pytest.raises(CommandError, match="outside a database transaction"):
        call_command("backup", output=tmp_path, stdout=StringIO())
    assert list(tmp_path.iterdir()) == []


def write_backup(directory, vendor="sqlite", content=b"data"):
    directory.mkdir()
    name = backup.DATABASE_FILES[vendor]
    (directory / name).write_bytes(content)
    manifest = {
        "format": backup.FORMAT_VERSION,
        "created_at": "2026-01-15T02:30:00+00:00",
        "database": {"vendor": vendor, "name": "kynangso", "file": name},
        "counts": {},
        "files": {name: {"bytes": len(content), "sha256": backup.sha256(directory / name)}},
    }
    (directory / "manifest.json").write_text(json.dumps(manifest))
    return directory


def test_restore_refuses_a_backup_of_another_database_vendor(tmp_path):
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    directory = write_backup(tmp_path / "kns-20260115T023000Z", vendor=other)
    with pytest.raises(backup.BackupError, match=f"backup is of a {other} database"):
        backup.restore_backup(directory)


def test_restore_refuses_a_directory_without_manifest_or_with_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="not a backup directory"):
        call_command("restore", str(tmp_path), no_input=True)
    directory = write_backup(tmp_path / "kns-20260115T023000Z")
    (directory / "database.sqlite3").unlink()
    with pytest.raises(CommandError, match="database.sqlite3 is missing"):
        call_command("restore", str(directory), no_input=True)


def test_keep_deletes_only_the_oldest_backups(tmp_path):
    names = [
        "kns-20260113T023000Z",
        "kns-20260114T023000Z",
        "kns-20260115T023000Z",
        "kns-20260115T023000Z-2",
    ]
    for name in names:
        write_backup(tmp_path / name)
    (tmp_path / "kns-20200101T000000Z").mkdir()  # no manifest: not ours to delete
    (tmp_path / "notes").mkdir()
    deleted = backup.prune(tmp_path, keep=2)
    assert [path.name for path in deleted] == names[:2]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [*names[2:], "kns-20200101T000000Z", "notes"]
    )


def test_an_archive_cannot_write_outside_its_directory(tmp_path):
    import tarfile

    evil = tmp_path / "media.tar.gz"
    payload = tmp_path / "payload"
    payload.write_text("x")
    with tarfile.open(evil, "w:gz") as archive:
        archive.add(payload, arcname="../escaped.txt")
    target = tmp_path / "media"
    with pytest.raises(tarfile.TarError):
        backup.extract_archive(evil, target)
    assert not (tmp_path / "escaped.txt").exists()
