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
