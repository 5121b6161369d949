"""What Sori's own apps read from the environment: "my data" links, donations (Stripe),
petitions, moderation, embeds, letters, updates, retention, the API, and their
periodic work (Celery beat).

The site itself (Django, the database, Redis and Celery, accounts, languages, static
files, mail, security, logging) is set in ``config/settings.py``, which takes every
setting here. The few app settings that follow from the site's stay there: the
petition fast path (a middleware), private files (a storage), the updates'
unsubscribe address, HTTPS-only webhooks and the API's frameworks. Bad values stop
start-up with a message naming the variable (``lib/env.py``).
"""

from django.core.exceptions import ImproperlyConfigured

from lib.env import env_bool, env_decimal_table, env_int, env_list, env_str

# "My data" links: mailed to one address at most this many times a day, and asked for
# from one client address at most this many times an hour (0 switches a limit off).
MY_DATA_LINKS_PER_ADDRESS_PER_DAY = env_int("MY_DATA_LINKS_PER_ADDRESS_PER_DAY", 3)
MY_DATA_REQUESTS_PER_CLIENT_PER_HOUR = env_int("MY_DATA_REQUESTS_PER_CLIENT_PER_HOUR", 20)

# Stripe (optional: without the three keys, donations are switched off).
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")

# Donations. Amounts are in major units (pounds, won). The first currency is the
# default (Korean pages start with KRW when it is listed); every currency needs a
# minimum, a maximum and preset amounts. See donations/money.py for minor units.
DONATION_CURRENCIES = [
    code.upper() for code in env_list("DONATION_CURRENCIES", ["GBP", "EUR", "USD", "KRW"])
]
DONATION_LIMITS = env_decimal_table(
    "DONATION_LIMITS",
    {
        "GBP": ("1", "10000"),
        "EUR": ("1", "10000"),
        "USD": ("1", "10000"),
        "KRW": ("1000", "10000000"),
    },
)
DONATION_PRESETS = env_decimal_table(
    "DONATION_PRESETS",
    {
        "GBP": ("5", "10", "25", "50"),
        "EUR": ("5", "10", "25", "50"),
        "USD": ("5", "10", "25", "50"),
        "KRW": ("10000", "30000", "50000", "100000"),
    },
)
if not DONATION_CURRENCIES:
    raise ImproperlyConfigured("DONATION_CURRENCIES must list at least one currency code.")
for _code in DONATION_CURRENCIES:
    _limits, _presets = DONATION_LIMITS.get(_code), DONATION_PRESETS.get(_code)
    if not (len(_code) == 3 and _code.isalpha()):
        raise ImproperlyConfigured(f"DONATION_CURRENCIES must list ISO codes; got {_code!r}.")
    if not _limits or len(_limits) != 2 or not 0 < _limits[0] < _limits[1]:
        raise ImproperlyConfigured(
            f"DONATION_LIMITS needs '{_code}=minimum,maximum' (0 < min < max)."
        )
    if not _presets or not all(_limits[0] <= amount <= _limits[1] for amount in _presets):
        raise ImproperlyConfigured(f"DONATION_PRESETS needs amounts for {_code} within its limits.")
# Receipt numbers look like SORI-2026-00042: one sequence per calendar year.
DONATION_RECEIPT_PREFIX = env_str("DONATION_RECEIPT_PREFIX", "SORI")
# On only for an organisation designated as a donation body (기부금단체) under Korean tax
# law: otherwise every receipt says it is not a 「소득세법」 donation receipt.
DONATION_DESIGNATED_BODY = env_bool("DONATION_DESIGNATED_BODY", False)
# Checkout sessions one address may open per hour (card testers try many).
DONATION_RATE_LIMIT = env_int("DONATION_RATE_LIMIT", 20)
# Days a processed Stripe event keeps its payload (donors' names and addresses are in
# it); then `purge_stripe_events` keeps only its id, type and times.
DONATION_EVENT_PAYLOAD_DAYS = env_int("DONATION_EVENT_PAYLOAD_DAYS", 90)
# The seam where tests put Stripe's network edge: None for stripe-python's own HTTP
# client, or a callable (or its dotted path) returning a ``stripe.HTTPClient``.
STRIPE_HTTP_CLIENT = None
# Petitions. Rate limits are "count/seconds" ("0" switches one off); a signature over a
# limit is kept with status "review" and not counted until staff release it. The
# proof-of-work challenge (ALTCHA) can be switched off for tests and benchmarks.


def _env_rate(name: str, default: str) -> tuple[int, int] | None:
    raw = env_str(name, default)
    if raw in {"0", "off"}:
        return None
    count, _slash, seconds = raw.partition("/")
    if not (count.isdigit() and seconds.isdigit() and int(count) > 0 and int(seconds) > 0):
        raise ImproperlyConfigured(
            f"{name} must look like 10/60 (count/seconds), or 0 for no limit; got {raw!r}."
        )
    return int(count), int(seconds)


PETITIONS_RATE_LIMITS = {
    "ip_burst": _env_rate("PETITIONS_RATE_IP_BURST", "10/60"),
    "ip_sustained": _env_rate("PETITIONS_RATE_IP_SUSTAINED", "60/3600"),
    "petition_burst": _env_rate("PETITIONS_RATE_PETITION_BURST", "3000/60"),
    "petition_sustained": _env_rate("PETITIONS_RATE_PETITION_SUSTAINED", "60000/3600"),
}
PETITIONS_CHALLENGE = env_bool("PETITIONS_CHALLENGE", True)
PETITIONS_CHALLENGE_MAX_NUMBER = env_int("PETITIONS_CHALLENGE_MAX_NUMBER", 50_000)
PETITIONS_CHALLENGE_HMAC_KEY = env_str("PETITIONS_CHALLENGE_HMAC_KEY")  # default: from SECRET_KEY
# Confirmation and "already signed" mail: at most this many a day to one address, and
# asked for by one client address; over a cap the mail is skipped (a fresh link can be
# asked for later).
PETITIONS_MAIL_PER_ADDRESS_PER_DAY = env_int("PETITIONS_MAIL_PER_ADDRESS_PER_DAY", 3)
PETITIONS_MAIL_PER_CLIENT_PER_DAY = env_int("PETITIONS_MAIL_PER_CLIENT_PER_DAY", 50)
# How long the shared copy of a petition page (and its counter) may be served: the
# count and recent signers on it are at most this many seconds old. 0: no caching.
PETITIONS_PAGE_CACHE_SECONDS = env_int("PETITIONS_PAGE_CACHE_SECONDS", 10)
# How long the shared copy of the home page and of a campaign page may be served to
# visitors without a session (lib/pagecache.py); any change to a campaign, petition or
# letter action drops the copies at once. 0: no caching.
PAGES_CACHE_SECONDS = env_int("PAGES_CACHE_SECONDS", 10)
# Stale-if-error: while the database is unreachable, anonymous petition, campaign and
# home pages (and count.json) are served from a stale copy at most this old instead of
# the 503 page (config/outage.py). 0: no stale copies.
PAGES_STALE_SECONDS = env_int("PAGES_STALE_SECONDS", 600)
# Cache-Control max-age of count.json and the counter fragment.
PETITIONS_COUNT_MAX_AGE = env_int("PETITIONS_COUNT_MAX_AGE", 15)
# 0: count on the petition row. N > 0: spread increments over N rows per petition, for
# thousands of counted signatures a second on one petition (docs/architecture.md).
PETITIONS_COUNTER_SHARDS = env_int("PETITIONS_COUNTER_SHARDS", 0)
# Moderation (staff): the trending report lists address hashes and email domains with at
# least this many signatures in the last hour (staff can change them on the page).
MODERATION_TRENDING_IP = env_int("MODERATION_TRENDING_IP", 20)
MODERATION_TRENDING_DOMAIN = env_int("MODERATION_TRENDING_DOMAIN", 200)
# Embed forms (other sites' frames) carry a signed token bound to the action instead of
# the CSRF cookie (lib/embed.py): valid this many seconds, far longer than a cached
# embed page lives (PETITIONS_PAGE_CACHE_SECONDS).
EMBED_FORM_TOKEN_MAX_AGE = env_int("EMBED_FORM_TOKEN_MAX_AGE", 2 * 60 * 60)
# Cache-Control max-age of /embed.js, the loader hosts without a strict CSP include.
EMBED_LOADER_MAX_AGE = env_int("EMBED_LOADER_MAX_AGE", 60 * 60)

# Letters (issue 4); their PDFs live in the private storage (config/settings.py).
# Emails to one official: at most this many in any hour; the rest wait in the queue.
LETTERS_EMAILS_PER_OFFICIAL_PER_HOUR = env_int("LETTERS_EMAILS_PER_OFFICIAL_PER_HOUR", 20)
# A failed email is tried again after 5 min, 10, 20, ... (at most 6 h), then given up.
LETTERS_EMAIL_MAX_ATTEMPTS = env_int("LETTERS_EMAIL_MAX_ATTEMPTS", 6)
LETTERS_EMAIL_RETRY_SECONDS = env_int("LETTERS_EMAIL_RETRY_SECONDS", 300)
# Updates to supporters (updates/): messages a minute, so that a large send does not
# trip the mail provider's limits or spam scores (0: no throttle). Unsubscribe by mail
# goes to UPDATES_UNSUBSCRIBE_EMAIL (config/settings.py; the https link is the
# one-click way).
UPDATES_PER_MINUTE = env_int("UPDATES_PER_MINUTE", 600)
# Letters written from one network address in an hour (a school or an event may share one).
LETTERS_WRITES_PER_HOUR_PER_ADDRESS = env_int("LETTERS_WRITES_PER_HOUR_PER_ADDRESS", 60)
# How long the link that confirms a delivery request stays valid.
LETTERS_CONFIRM_MAX_AGE_DAYS = env_int("LETTERS_CONFIRM_MAX_AGE_DAYS", 7)
# How long a letter's private links (its page, PDF and envelope) work after they are
# issued; "See or erase my data" lists the writer's letters with new links.
LETTERS_LINK_MAX_AGE_DAYS = env_int("LETTERS_LINK_MAX_AGE_DAYS", 90)
# PDF variant of letters: "pdf/ua-1" (tagged, accessible), "pdf/a-3u" or "" (plain).
LETTERS_PDF_VARIANT = env_str("LETTERS_PDF_VARIANT", "pdf/ua-1")
if LETTERS_PDF_VARIANT not in {"", "pdf/ua-1", "pdf/a-3u"}:
    raise ImproperlyConfigured(
        f"LETTERS_PDF_VARIANT must be pdf/ua-1, pdf/a-3u or empty; got {LETTERS_PDF_VARIANT!r}."
    )
# Print batches lay out this many letters per WeasyPrint document, then merge the parts:
# larger is faster per letter, smaller keeps memory flat on big batches.
LETTERS_BATCH_CHUNK = env_int("LETTERS_BATCH_CHUNK", 50)
# Petition page views are counted in the cache and moved to the database in batches
# (petitions/hotpath/page_views.py).
PETITIONS_PAGE_VIEWS = env_bool("PETITIONS_PAGE_VIEWS", True)
# A signature's address hash serves moderation only (rate limits, the review queue): it
# is blanked this many days after signing unless the signature is still held for review.
PETITIONS_IP_HASH_DAYS = env_int("PETITIONS_IP_HASH_DAYS", 30)
# Retention (apply_retention, daily by beat): this many days after a petition closes or
# is delivered, its signatures lose who signed them (name, email link, postcode, town,
# comment, address hash) and keep what the figures need (status, dates, country,
# source); its delivery packs' files are deleted. The same for letters after delivery
# (emailed or posted), their PDFs and print batches.
PETITIONS_RETENTION_DAYS = env_int("PETITIONS_RETENTION_DAYS", 180)
LETTERS_RETENTION_DAYS = env_int("LETTERS_RETENTION_DAYS", 180)

# Done outbox rows are kept this long (to answer "was it sent?"), then deleted.
OUTBOX_KEEP_DAYS = env_int("OUTBOX_KEEP_DAYS", 14)

# Periodic work, run by one Celery beat. Without beat, cron runs the command named.
CELERY_BEAT_SCHEDULE = {
    # After-commit work the broker lost or refused, and failed work whose retry is due
    # (relay_outbox).
    "outbox-sweep": {"task": "outbox.tasks.sweep", "schedule": 60.0},
    # Outbox rows done more than OUTBOX_KEEP_DAYS ago deleted (purge_done).
    "outbox-purge-done": {"task": "outbox.tasks.purge_done", "schedule": 24 * 3600.0},
    # Letters queued for officials, as their hourly allowance allows (send_queued_letters).
    "letters-send-queued": {"task": "letters.tasks.send_queued_letters", "schedule": 60.0},
    # Page views from the cache into the database (flush_page_views).
    "petitions-flush-page-views": {"task": "petitions.tasks.flush_page_views", "schedule": 300.0},
    # Address hashes past PETITIONS_IP_HASH_DAYS blanked (clear_ip_hashes).
    "petitions-clear-ip-hashes": {
        "task": "petitions.tasks.clear_ip_hashes",
        "schedule": 24 * 3600.0,
    },
    # Personal data past PETITIONS_/LETTERS_RETENTION_DAYS anonymised (apply_retention).
    "accounts-apply-retention": {
        "task": "accounts.tasks.apply_retention",
        "schedule": 24 * 3600.0,
    },
    # Webhook deliveries whose retry is due (manage.py webhook retry).
    "api-retry-webhooks": {"task": "api.tasks.retry_webhooks", "schedule": 60.0},
    # Stored sign forms whose task never ran (process_signature_requests).
    "petitions-process-signature-requests": {
        "task": "petitions.tasks.process_stale_signature_requests",
        "schedule": 60.0,
    },
}

# The OSDI API (/api/v1/, api/) and webhooks. Pages hold at most API_MAX_PAGESIZE
# records; one token may make API_RATE_LIMIT requests a minute (lib.ratelimit).
API_MAX_PAGESIZE = env_int("API_MAX_PAGESIZE", 100)
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 600)
# Webhook destinations may not resolve to private, loopback or link-local addresses
# unless this is on (HTTPS-only: WEBHOOKS_REQUIRE_HTTPS, config/settings.py).
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", False)
