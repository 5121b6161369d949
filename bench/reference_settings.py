"""Settings of the bare reference server: Sori's settings, no middleware, tiny URLconf.

Benchmarks compare Sori's real endpoints with views served this way: the floor that any
Django endpoint doing the same work pays.
"""

from config.settings import *  # noqa: F403

# allauth insists on its middleware, so the reference leaves allauth out altogether.
INSTALLED_APPS = [app for app in INSTALLED_APPS if not app.startswith("allauth")]  # noqa: F405
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.reference_urls"
