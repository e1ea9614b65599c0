"""The shipped nginx configuration (deploy/nginx/kynangso.conf), run by Debian's nginx.

The file is copied with only its machine-specific paths and ports changed (certificate, log
and data directories, loopback ports), checked with `nginx -t`, then served: uploaded media
come with the application's own headers (toolkit/media.py) and an upload beyond
client_max_body_size gets the Vietnamese/English page, not nginx's English one.
"""

import http.client
import re
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from toolkit.media import MEDIA_CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "deploy" / "nginx" / "kynangso.conf"
PAGE_413 = ROOT / "elearning" / "static" / "errors" / "413.html"
HTTP_PORT, HTTPS_PORT, UPSTREAM_PORT = 18130, 18131, 18132
HOST = "kynangso.dienbien.gov.vn"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

pytestmark = pytest.mark.skipif(
    not Path(NGINX).exists(), reason="nginx is not installed (scripts/bootstrap tools)"
)


def local_copy(directory):
    """The shipped server blocks with this machine's paths, inside a minimal nginx.conf."""
    text = CONF.read_text()
    text = text.replace("/etc/letsencrypt/live/kynangso.dienbien.gov.vn", str(directory))
    text = text.replace("/var/log/nginx", str(directory))
    text = text.replace("/srv/kynangso/media/", f"{directory}/media/")
    text = text.replace("/srv/kynangso/static/", f"{directory}/static/")
    text = text.replace("127.0.0.1:8000", f"127.0.0.1:{UPSTREAM_PORT}")
    text = re.sub(r"listen \[::\]:\d+[^;]*;", "", text)  # no IPv6 on every test machine
    text = re.sub(r"listen 80;", f"listen 127.0.0.1:{HTTP_PORT};", text)
    text = re.sub(r"listen 443 ", f"listen 127.0.0.1:{HTTPS_PORT} ", text)
    (directory / "kynangso.conf").write_text(text)
    temp = directory / "temp"
    temp.mkdir()
    main = f"""
user root;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {directory}/kynangso.conf;
}}
"""
    (directory / "nginx.conf").write_text(main)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", f"/CN={HOST}", "-keyout", str(directory / "privkey.pem")]
        + ["-out", str(directory / "fullchain.pem")],
        check=True,
        capture_output=True,
    )
    return directory / "nginx.conf"


@pytest.fixture
def site(tmp_path):
    """nginx running the shipped configuration, with a few uploaded files."""
    conf = local_copy(tmp_path)
    media = tmp_path / "media"
    (media / "images").mkdir(parents=True)
    (media / "images" / "so-do.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (media / "questions").mkdir()
    (media / "questions" / "dang-nhap.html").write_text("<form action='https://x.example'>")
    (tmp_path / "static" / "errors").mkdir(parents=True)
    shutil.copy(PAGE_413, tmp_path / "static" / "errors" / "413.html")
    process = subprocess.Popen([NGINX, "-c", str(conf), "-g", "daemon off;"])
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", HTTPS_PORT), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield tmp_path
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(site, path, method="GET", headers=None):
    # The test's own self-signed certificate, issued to HOST, not to the loopback address.
    context = ssl.create_default_context(cafile=site / "fullchain.pem")
    context.check_hostname = False
    connection = http.client.HTTPSConnection("127.0.0.1", HTTPS_PORT, context=context)
    connection.request(method, path, headers={"Host": HOST, **(headers or {})})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def test_the_shipped_configuration_passes_nginx_t(tmp_path):
    result = subprocess.run(
        [NGINX, "-t", "-c", str(local_copy(tmp_path))], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "warn" not in result.stderr, result.stderr


def test_an_uploaded_web_page_is_sandboxed_and_downloaded_not_shown(site):
    response, _body = get(site, "/media/questions/dang-nhap.html")

    assert response.status == 200
    assert response.getheader("Content-Security-Policy") == MEDIA_CONTENT_SECURITY_POLICY
    assert MEDIA_CONTENT_SECURITY_POLICY.startswith("sandbox; default-src 'none'")
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Content-Disposition") == "attachment"


def test_an_uploaded_image_is_shown_inline_in_the_same_sandbox(site):
    response, body = get(site, "/media/images/so-do.png")

    assert response.status == 200
    assert body.startswith(b"\x89PNG")
    assert response.getheader("Content-Type") == "image/png"
    assert response.getheader("Content-Security-Policy") == MEDIA_CONTENT_SECURITY_POLICY
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Content-Disposition") is None


def test_a_too_large_upload_gets_the_vietnamese_page(site):
    # nginx refuses on the declared length, before reading the body or asking gunicorn.
    response, body = get(
        site,
        "/admin/officers/import/",
        method="POST",
        headers={"Content-Length": str(30 * 1024**2)},
    )

    assert response.status == 413
    page = body.decode()
    assert "Tệp gửi lên quá lớn" in page
    assert "Request Entity Too Large" not in page
    # The page states nginx's limit.
    limit = re.search(r"client_max_body_size (\d+)m;", CONF.read_text()).group(1)
    assert f"tối đa {limit} MB" in page and f"at most {limit} MB" in page
