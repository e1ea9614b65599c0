"""gunicorn settings for Kỹ năng số (see docs/production.md).

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py elearning.wsgi

Overridable from the environment (/etc/kynangso/env): GUNICORN_BIND, GUNICORN_WORKERS,
GUNICORN_TIMEOUT.
"""

import multiprocessing
import os

# nginx on the same machine proxies to this address; never expose gunicorn itself.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Synchronous workers: 2 x cores + 1 (5 on a 2-core machine). Each holds one database
# connection (CONN_MAX_AGE keeps it open), so workers x machines must stay below PostgreSQL's
# max_connections with room for the task workers and cron jobs.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))

# Reports and XLSX exports of a whole province are the slowest requests (seconds); a worker
# stuck far longer than that is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
# On restart or reload, requests in flight get this long to finish.
graceful_timeout = 30
keepalive = 5

# Replace each worker after about a thousand requests: bounds any slow memory growth.
max_requests = 1000
max_requests_jitter = 100

# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm"  # noqa: S108  # nosec B108

# Logs on stdout/stderr, collected by journald. The access log carries the request id that
# nginx sends (X-Request-ID, echoed in the answer), the same id as in the application's log lines.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s "%(a)s"'

# Only nginx on this machine may say the request came over HTTPS.
forwarded_allow_ips = "127.0.0.1,::1"
