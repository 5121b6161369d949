"""The audit log's action codes in words.

Entries keep a stable code (``export.signatures.csv``) so that filters and tools can rely
on it; people read the label. Every app's codes are listed here as plain strings, so the
audit log page imports no app. A code without a label (one added later, or an old one)
is shown as it is.
"""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "export.signatures.csv": _("Signatures exported (CSV)"),
    "export.signatures.pack_build": _("Delivery pack made"),
    "export.signatures.pack_pdf": _("Delivery pack downloaded (PDF)"),
    "export.signatures.pack_list": _("Delivery pack's signer list downloaded (CSV)"),
    "export.letters.print_batch": _("Print batch of letters downloaded (PDF)"),
    "export.donations.csv": _("Donations exported (CSV)"),
    "moderation.preview": _("Bulk moderation previewed"),
    "moderation.release": _("Held signatures released"),
    "moderation.invalidate": _("Signatures invalidated"),
    "moderation.undo": _("Moderation action undone"),
    "supporter.merge": _("Supporters merged (one mailbox)"),
}


def action_label(code: str) -> str:
    """The words for an audit action code; the code itself when it has none."""
    return str(ACTION_LABELS.get(code, code))
