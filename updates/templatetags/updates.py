"""``{% petition_updates petition %}``: the block of updates on a petition's page.

A template tag, so that petitions (which must not import this app) can show it.
"""

from django import template

from ..models import Update

register = template.Library()


@register.inclusion_tag("updates/_petition_updates.html")
def petition_updates(petition):
    updates = list(Update.objects.sent().for_petition(petition).select_related("send")[:5])
    return {"updates": updates, "petition": petition}
