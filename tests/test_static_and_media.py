import io
import json
import os
import subprocess
import sys
from pathlib import Path

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image

ROOT = Path(__file__).resolve().parents[1]


def test_uploaded_images_and_their_renditions_are_stored_under_media_root(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 1200), (163, 20, 28)).save(buffer, "JPEG")
    image = Image.objects.create(
        title="Ảnh chụp màn hình vSignPDF",
        file=ImageFile(io.BytesIO(buffer.getvalue()), name="vsignpdf.jpg"),
    )
    rendition = image.get_rendition("max-400x400")
    assert (rendition.width, rendition.height) == (400, 300)
    assert Path(rendition.file.path).is_relative_to(tmp_path)
    assert Path(image.file.path).is_relative_to(tmp_path)


def test_production_static_files_are_hashed_and_compressed(tmp_path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "elearning.settings",
        "SECRET_KEY": "collectstatic-check-" + "q" * 40,
        "ALLOWED_HOSTS": "kynangso.example.vn",
        "STATIC_ROOT": str(tmp_path),
    }
    environment.pop("DEBUG", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert hashed != "css/site.css"
    assert (tmp_path / hashed).exists()
    assert (tmp_path / (hashed + ".gz")).exists()


def test_development_media_are_served_sandboxed_and_only_images_inline(rf, tmp_path):
    from toolkit.media import MEDIA_CONTENT_SECURITY_POLICY, serve_media

    (tmp_path / "dang-nhap.html").write_text("<form action='https://x.example'></form>")
    (tmp_path / "so-do.png").write_bytes(b"\x89PNG\r\n\x1a\n")

    page = serve_media(rf.get("/media/dang-nhap.html"), "dang-nhap.html", document_root=tmp_path)
    image = serve_media(rf.get("/media/so-do.png"), "so-do.png", document_root=tmp_path)

    for response in (page, image):
        assert response["Content-Security-Policy"] == MEDIA_CONTENT_SECURITY_POLICY
        assert response["X-Content-Type-Options"] == "nosniff"
    assert MEDIA_CONTENT_SECURITY_POLICY.startswith("sandbox; default-src 'none'")
    assert page["Content-Disposition"] == "attachment"
    assert not image.get("Content-Disposition", "").startswith("attachment")


def test_a_request_body_over_djangos_limit_gets_the_too_large_page(client, settings, trainer):
    from django.urls import reverse

    from tests.factories import PASSWORD

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    assert client.login(username=trainer.username, password=PASSWORD)
    response = client.post(reverse("question_import"), {"category": "x" * 4096})

    assert response.status_code == 413
    page = response.content.decode()
    assert "Tệp gửi lên quá lớn" in page and "The file you sent is too large" in page
