"""What letters tell other apps, which letters never import (the API's webhooks).

Sent inside the transaction that made the change, so a receiver's rows (an outbox
message) commit or roll back with it.
"""

from django.dispatch import Signal

# New letters were written (one per official; a rewritten draft is not new).
# ``letter_ids``: a list.
letters_written = Signal()
