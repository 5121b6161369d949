"""What petitions tell other apps, which petitions never import (the API's webhooks).

Sent inside the transaction that made the change, so a receiver's rows (an outbox
message) commit or roll back with it.
"""

from django.dispatch import Signal

# A signature became confirmed (counted): signed by a verified supporter or by the
# API, confirmed by its signer's link, or released by staff. ``signature_ids``: a list.
signature_confirmed = Signal()

# A threshold (``Milestone``) was reached and announced, once. ``milestone_id``. An app
# holding an update prepared for the threshold (``updates``) sends it on this signal;
# petitions never imports it.
threshold_reached = Signal()

# An official's response was recorded or changed (``petitions.responses``).
# ``response_id``, ``created``.
response_recorded = Signal()
