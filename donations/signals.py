"""What donations tell other apps, which donations never import (the API's webhooks).

Sent inside the transaction that made the change, so a receiver's rows (an outbox
message) commit or roll back with it.
"""

from django.dispatch import Signal

# Money arrived: a new Payment (a one-off gift, or one month of a monthly one).
# ``payment_id``: its id.
payment_received = Signal()
