"""Letter workflows, by stage: ``writing``, ``delivery`` (confirmation and the email
queue to officials) and ``printing`` (stored PDFs and print batches).

Who may change a letter: whoever holds its link (the token; this browser keeps the
tokens it wrote or opened) or the signed-in owner of the supporter's address. Anybody
else who writes again with the same address rewrites the *draft* (nothing of the old
text is shown to them) or, if a letter was already sent, starts a new draft that can
never be delivered as well. Either way the screen looks exactly like a first letter,
so nobody learns whether an address wrote before. Delivery always needs the owner of
the address: a confirmation link by email, or their signed-in, verified account.

Callers use ``from letters import services`` and the names re-exported here.
"""

from .delivery import (
    MAIL_INTERVAL,
    MAILS_PER_ADDRESS_PER_DAY,
    Confirmation,
    allowed_deliveries,
    check_confirmation,
    claim_due_deliveries,
    confirm_delivery,
    deliver_letter_email,
    make_confirm_token,
    read_confirm_token,
    request_delivery,
    retry_delay,
    retry_delivery,
    send_confirm_request,
    send_queued_letters,
)
from .printing import (
    build_print_batch,
    cancel_print_batch,
    letter_pdf_bytes,
    mark_batch_posted,
    start_print_batch,
    store_letter_pdf,
)
from .writing import (
    LetterError,
    SenderDetails,
    WriteResult,
    compose_letter,
    erase_letters,
    resolve_language,
    write_letter,
)

__all__ = [
    "MAILS_PER_ADDRESS_PER_DAY",
    "MAIL_INTERVAL",
    "Confirmation",
    "LetterError",
    "SenderDetails",
    "WriteResult",
    "allowed_deliveries",
    "build_print_batch",
    "cancel_print_batch",
    "check_confirmation",
    "claim_due_deliveries",
    "compose_letter",
    "confirm_delivery",
    "deliver_letter_email",
    "erase_letters",
    "letter_pdf_bytes",
    "make_confirm_token",
    "mark_batch_posted",
    "read_confirm_token",
    "request_delivery",
    "resolve_language",
    "retry_delay",
    "retry_delivery",
    "send_confirm_request",
    "send_queued_letters",
    "start_print_batch",
    "store_letter_pdf",
    "write_letter",
]
