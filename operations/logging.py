"""Log records as one JSON object per line, tagged with the id of the request they belong to.

Loaded by the LOGGING setting before Django's apps are ready: no model imports here.
"""

import contextvars
import json
import logging
from datetime import UTC, datetime

# The id of the request this thread is serving ("-" outside a request), set by
# operations.middleware.RequestIdMiddleware.
request_id_var = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Give every record a `request_id` attribute, so formatters can always use it.

    Django logs error answers ("Service Unavailable: /health/") after the middleware has
    returned, with the request attached to the record: its id is taken from there.
    """

    def filter(self, record):
        if not hasattr(record, "request_id"):
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """time (UTC, ISO 8601), level, logger, message, request_id, and exception when there is
    one; `status_code` too for Django's request errors. One line per record whatever the
    message holds (json.dumps escapes newlines)."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        status_code = getattr(record, "status_code", None)
        if status_code is not None:
            entry["status_code"] = status_code
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
