"""How uploaded files under MEDIA_URL are served: never as a page of the site.

Media come from trainers, imports and officers, and are served from the site's own address.
A web page among them (a login form posting elsewhere) would speak in the site's name, so
every answer under /media/ carries:

- MEDIA_CONTENT_SECURITY_POLICY: a sandbox (no script, no form, no same-origin access) that
  loads nothing but the image itself;
- X-Content-Type-Options: nosniff, so a browser believes the type and never guesses "HTML";
- Content-Disposition: attachment unless the file is an image (by its extension: every
  stored image was re-encoded and named after its format, toolkit/uploads.py), so anything
  else is downloaded, never opened in the site's origin.

`media_headers(path)` gives these headers; `serve_media` is Django's static file view with
them (MEDIA_URL in development). deploy/nginx/kynangso.conf sends the same in production
(tests/test_nginx.py checks both against these constants).
"""

import posixpath

from django.views.static import serve

MEDIA_CONTENT_SECURITY_POLICY = (
    "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
)
# The image formats the platform stores (WAGTAILIMAGES_EXTENSIONS).
INLINE_EXTENSIONS = ("gif", "jpeg", "jpg", "png", "webp")


def is_inline(path):
    extension = posixpath.splitext(path)[1].lower().lstrip(".")
    return extension in INLINE_EXTENSIONS


def media_headers(path):
    headers = {
        "Content-Security-Policy": MEDIA_CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
    }
    if not is_inline(path):
        headers["Content-Disposition"] = "attachment"
    return headers


def serve_media(request, path, document_root=None):
    response = serve(request, path, document_root=document_root)
    for name, value in media_headers(path).items():
        response[name] = value
    return response
