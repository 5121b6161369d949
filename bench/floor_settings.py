"""Sori's settings and middleware, with the bare reference URLs: the floor of any page.

The pages benchmark serves the hello view through Sori's full middleware stack (and
once more handing out a fresh CSRF token, as every form page must), to show how much
of a page's cost is the stack itself rather than the page.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
