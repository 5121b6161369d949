"""Settings for the test suite: the real settings, with test defaults in the environment.

Only environment defaults are set here (a caller's own values win), then
``config.settings`` is read exactly as in production. The few overrides below make
tests fast and deterministic; none changes behaviour under test.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
os.environ.setdefault("SITE_URL", "http://testserver")
os.environ.setdefault("MAIL_BACKEND", "smtp")  # replaced by the in-memory backend in tests

from config.settings import *  # noqa: F403

# Every test starts from a clean cache; tasks run inline.
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if REDIS_URL:  # noqa: F405 - a test run must never clear a real deployment's keys
    CACHES["default"]["KEY_PREFIX"] = f"sori-test-{os.getpid()}"  # noqa: F405
# Threads (the live server's, concurrency tests') must not keep connections open after
# their work, or PostgreSQL refuses to drop the test database at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
