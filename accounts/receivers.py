from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from .services import link_supporter


@receiver(email_confirmed)
def link_supporter_on_verification(sender, request, email_address, **kwargs):
    link_supporter(user=email_address.user, email=email_address.email)
