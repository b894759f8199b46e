"""gunicorn configuration, for the Docker image and for systemd alike (docs/deployment.md):

    gunicorn -c docker/gunicorn.conf.py website.wsgi:application

Every value can be set from the environment (docker/.env.example); empty means the default."""

import multiprocessing
import os
import sys
from pathlib import Path

# The project root, so that core.logformat imports wherever gunicorn was started from.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.logformat import JsonFormatter

wsgi_app = "website.wsgi:application"
bind = os.environ.get("GUNICORN_BIND") or "0.0.0.0:8000"  # inside a container
# Synchronous workers: 2 per CPU + 1 is gunicorn's advice; cap it in small containers.
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so that a slow leak never takes a machine down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 1000)
max_requests_jitter = max_requests // 10
# Heartbeat files in memory: a container's /tmp may be a slow overlay filesystem.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# gunicorn's control socket (under $HOME, read-only in the image) is not used.
control_socket_disable = True
# Only the proxy in front may say the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS") or "127.0.0.1"

# Access log and error log to standard output/error (docker logs, journald).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL") or "info"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'

if (os.environ.get("DJANGO_LOG_FORMAT") or "plain").strip().lower() == "json":
    # The same JSON lines as Django's logs: the access line becomes the "message".
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            },
            "error": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
        },
        "loggers": {
            "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
            "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
        },
        "root": {"handlers": ["error"], "level": "INFO"},
    }
