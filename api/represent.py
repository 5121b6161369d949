"""Sori's rows as OSDI hashes, in the dialect of Action Network's API v2.

Pure functions of a row and a ``Links`` (which knows the API's base address and the
identifiers loaded for the page); the collection views and the webhook payloads both
use them, so a webhook carries exactly what the API would answer.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.urls import reverse

from donations.money import from_minor

from .models import ForeignIdentifier, Kind, Origin

VENDOR = "Sori"
NAMESPACE = "sori"


def osdi_date(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def browser_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@dataclass
class Links:
    """Absolute API addresses, and the identifiers and origins of the rows in hand."""

    base: str  # ".../api/v1/"
    sees_contact_details: bool = False
    identifiers: dict = field(default_factory=lambda: defaultdict(list))
    origins: dict = field(default_factory=dict)

    def href(self, *parts) -> dict:
        return {"href": self.base + "/".join(str(part) for part in parts)}

    def load(self, kind: str, ids: Iterable[int]) -> None:
        """Fetch the foreign identifiers and origins of these rows (two queries)."""
        ids = list(ids)
        if not ids:
            return
        for object_id, value in (
            ForeignIdentifier.objects.filter(kind=kind, object_id__in=ids)
            .order_by("pk")
            .values_list("object_id", "value")
        ):
            self.identifiers[(kind, object_id)].append(value)
        for object_id, system in Origin.objects.filter(kind=kind, object_id__in=ids).values_list(
            "object_id", "origin_system"
        ):
            self.origins[(kind, object_id)] = system

    def common(self, kind: str, pk: int, created: datetime, modified: datetime | None) -> dict:
        return {
            "identifiers": [f"{NAMESPACE}:{pk}", *self.identifiers.get((kind, pk), [])],
            "origin_system": self.origins.get((kind, pk), VENDOR),
            "created_date": osdi_date(created),
            "modified_date": osdi_date(max(filter(None, [created, modified]))),
        }


def _target(target) -> dict:
    return {
        "name": target.display_name(),
        "title": str(target.name),
        "organization": str(target.display_organisation()),
    }


def petition(row, links: Links) -> dict:
    modified = _latest(row.updated_at, row.count_updated_at)
    data = links.common(Kind.PETITION, row.pk, row.created_at, modified)
    data.update(
        {
            "title": str(row.title),
            "description": str(row.body_html),
            "summary": str(row.summary),
            "petition_text": str(row.body),
            "browser_url": browser_url(row.get_absolute_url()),
            "total_signatures": row.current_count,
            "target": [_target(target) for target in row.targets.all()],
            "status": row.status,
            "_links": {
                "self": links.href("petitions", row.pk),
                "osdi:signatures": links.href("petitions", row.pk, "signatures"),
                "osdi:record_signature_helper": links.href("petitions", row.pk, "signatures"),
                "osdi:tag": links.href("tags", row.campaign_id),
            },
        }
    )
    return data


def signature(row, links: Links) -> dict:
    data = links.common(Kind.SIGNATURE, row.pk, row.created_at, row.confirmed_at)
    data.update(
        {
            "action_date": osdi_date(row.created_at),
            "comments": row.comment,
            "referrer_data": {"source": row.source, "referrer": "", "website": ""},
            "_links": {
                "self": links.href("petitions", row.petition_id, "signatures", row.pk),
                "osdi:petition": links.href("petitions", row.petition_id),
                # None past retention: the row no longer says who it was.
                "osdi:person": links.href("people", row.supporter_id) if row.supporter_id else None,
            },
        }
    )
    return data


def advocacy_campaign(row, links: Links) -> dict:
    data = links.common(Kind.ADVOCACY_CAMPAIGN, row.pk, row.created_at, row.updated_at)
    targets = list(row.targets.all())
    data.update(
        {
            "title": str(row.title),
            "description": str(row.intro_html),
            "summary": str(row.summary),
            "browser_url": browser_url(row.get_absolute_url()),
            "targets": ", ".join(target.display_name() for target in targets),
            "target_list": [_target(target) for target in targets],
            "total_outreaches": row.letter_count,
            "type": "email" if row.deliver_email else "postal mail",
            "status": row.status,
            "_links": {
                "self": links.href("advocacy_campaigns", row.pk),
                "osdi:outreaches": links.href("advocacy_campaigns", row.pk, "outreaches"),
                "osdi:record_outreach_helper": links.href(
                    "advocacy_campaigns", row.pk, "outreaches"
                ),
                "osdi:tag": links.href("tags", row.campaign_id),
            },
        }
    )
    return data


def outreach(row, links: Links) -> dict:
    data = links.common(Kind.OUTREACH, row.pk, row.created_at, row.updated_at)
    data.update(
        {
            "action_date": osdi_date(row.written_at),
            "type": "email" if row.delivery == "email" else "postal mail",
            "subject": row.subject,
            "message": row.body,
            "targets": [_target(row.target)],
            "status": row.status,
            "_links": {
                "self": links.href("advocacy_campaigns", row.action_id, "outreaches", row.pk),
                "osdi:advocacy_campaign": links.href("advocacy_campaigns", row.action_id),
                # None past retention: the row no longer says who it was.
                "osdi:person": links.href("people", row.supporter_id) if row.supporter_id else None,
            },
        }
    )
    return data


def person(row, links: Links) -> dict:
    modified = getattr(row, "modified", None) or row.updated_at
    data = links.common(Kind.PERSON, row.pk, row.created_at, modified)
    data.update(
        {
            "given_name": row.first_name,
            "family_name": row.last_name,
            "preferred_language": row.language,
        }
    )
    if links.sees_contact_details:
        subscribed = getattr(row, "subscribed", None)
        if subscribed is None:
            subscribed = row.has_consent("updates")
        data["email_addresses"] = [
            {
                "address": row.email,
                "primary": True,
                "status": "subscribed" if subscribed else "unsubscribed",
            }
        ]
        address = {"primary": True, "country": str(row.country or "")}
        if row.city:
            address["locality"] = row.city
        if row.postcode:
            address["postal_code"] = row.postcode
        data["postal_addresses"] = [address]
    data["_links"] = {
        "self": links.href("people", row.pk),
        "osdi:signatures": links.href("people", row.pk, "signatures"),
        "osdi:outreaches": links.href("people", row.pk, "outreaches"),
        "osdi:donations": links.href("people", row.pk, "donations"),
    }
    return data


def donation(row, links: Links) -> dict:
    donation = row.donation
    data = links.common(Kind.DONATION, row.pk, row.paid_at, row.refunded_at)
    voided = row.amount_refunded >= row.amount
    page = donation.campaign_id or 0
    data.update(
        {
            "action_date": osdi_date(row.paid_at),
            "amount": str(from_minor(row.amount, row.currency)),
            "currency": row.currency,
            "recipients": [
                {
                    "display_name": settings.ORGANISATION_NAME,
                    "amount": str(from_minor(row.amount, row.currency)),
                }
            ],
            "payment": {
                "method": "Credit Card",
                "reference_number": row.receipt_number,
                "authorization_stored": donation.frequency == "monthly",
            },
            "subscription_instance": getattr(row, "instance", None) or 1,
            "voided": voided,
            "voided_date": osdi_date(row.refunded_at) if voided else None,
            "_links": {
                "self": links.href("donations", row.pk),
                "osdi:fundraising_page": links.href("fundraising_pages", page),
                "osdi:person": (
                    links.href("people", donation.supporter_id) if donation.supporter_id else None
                ),
            },
        }
    )
    if data["_links"]["osdi:person"] is None:
        del data["_links"]["osdi:person"]
    return data


def fundraising_page(campaign, links: Links, *, totals: tuple[int, str | None, datetime | None]):
    """The donate page (``campaign`` None, id 0) or a campaign's page on it."""
    donations, currency, last_paid = totals
    pk = campaign.pk if campaign else 0
    if campaign is None:
        title = settings.ORGANISATION_NAME
        url = browser_url(reverse("donations:donate"))
        created = datetime(2026, 1, 1, tzinfo=UTC)
        modified = last_paid
    else:
        title = str(campaign.title)
        url = browser_url(reverse("donations:donate") + f"?campaign={campaign.slug}")
        created, modified = campaign.created_at, _latest(campaign.updated_at, last_paid)
    return {
        "identifiers": [f"{NAMESPACE}:{pk}"],
        "origin_system": VENDOR,
        "created_date": osdi_date(created),
        "modified_date": osdi_date(_latest(created, modified)),
        "title": title,
        "browser_url": url,
        "total_donations": donations,
        "currency": currency or settings.DONATION_CURRENCIES[0],
        "_links": {
            "self": links.href("fundraising_pages", pk),
            "osdi:donations": links.href("fundraising_pages", pk, "donations"),
        },
    }


def tag(campaign, links: Links) -> dict:
    data = links.common("tag", campaign.pk, campaign.created_at, campaign.updated_at)
    data.update(
        {
            "name": str(campaign.title),
            "_links": {
                "self": links.href("tags", campaign.pk),
                "osdi:taggings": links.href("tags", campaign.pk, "taggings"),
            },
        }
    )
    return data


def tagging(supporter, campaign_id: int, links: Links) -> dict:
    return {
        "identifiers": [f"{NAMESPACE}:{campaign_id}-{supporter.pk}"],
        "origin_system": VENDOR,
        "created_date": osdi_date(supporter.created_at),
        "modified_date": osdi_date(supporter.created_at),
        "item_type": "osdi:person",
        "_links": {
            "self": links.href("tags", campaign_id, "taggings", supporter.pk),
            "osdi:tag": links.href("tags", campaign_id),
            "osdi:person": links.href("people", supporter.pk),
        },
    }


def _latest(*moments):
    present = [moment for moment in moments if moment is not None]
    return max(present) if present else None
