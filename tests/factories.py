"""factory_boy factories for every model; apps add theirs below as they grow."""

from datetime import UTC, datetime

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.models import Supporter, User
from campaigns.models import Campaign, Target
from donations.models import Donation, Payment

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """A verified primary address, as allauth leaves it after confirmation."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                # get_or_create: live-server tests flush the rows the migration made.
                self.groups.add(Group.objects.get_or_create(name=name)[0])


class SupporterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supporter

    email = factory.Sequence(lambda n: f"supporter{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    country = "GB"
    city = "London"


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    name = factory.Sequence(lambda n: f"The Minister of Example Affairs {n}")
    name_ko = "예시부 장관"
    organisation = "Ministry of Example Affairs"
    organisation_ko = "예시부"
    salutation_en = "Dear Minister"
    salutation_ko = "장관님께"
    postal_address = "Government Complex\nGwacheon-si, Gyeonggi-do\nRepublic of Korea"
    postal_address_ko = "경기도 과천시 관문로 47"
    email = factory.Sequence(lambda n: f"minister{n}@officials.example")
    preferred_language = "ko"


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"campaign-{n}")
    # Both languages, as a manager publishes it; ``title=`` sets the active language's.
    title_en = factory.Sequence(lambda n: f"Campaign {n}")
    title_ko = factory.Sequence(lambda n: f"캠페인 {n}")
    summary_en = "Free the prisoners of conscience."
    summary_ko = "양심수를 석방해 주십시오."
    body_en = "We ask for **change**."
    body_ko = "**변화**를 요구합니다."
    status = Campaign.Status.LIVE

    @factory.post_generation
    def managers(self, create, extracted, **kwargs):
        if create and extracted:
            self.managers.add(*extracted)


# Donations ---------------------------------------------------------------------------


class DonationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donation

    supporter = factory.SubFactory(SupporterFactory)
    first_name = factory.SelfAttribute("supporter.first_name")
    last_name = factory.SelfAttribute("supporter.last_name")
    email = factory.SelfAttribute("supporter.email")
    amount = 2500
    currency = "GBP"
    frequency = Donation.Frequency.ONCE


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    donation = factory.SubFactory(DonationFactory, status=Donation.Status.PAID)
    receipt_number = factory.Sequence(lambda n: f"SORI-2026-{n + 1:05d}")
    amount = factory.SelfAttribute("donation.amount")
    currency = factory.SelfAttribute("donation.currency")
    paid_at = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    stripe_payment_intent_id = factory.Sequence(lambda n: f"pi_test_{n:06d}")
    receipt_status = Payment.ReceiptStatus.SENT


# Letters --------------------------------------------------------------------------

from letters.models import Letter, LetterAction  # noqa: E402


class LetterActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LetterAction
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    slug = factory.Sequence(lambda n: f"write-to-the-minister-{n}")
    title_en = factory.Sequence(lambda n: f"Write to the Minister {n}")
    title_ko = factory.Sequence(lambda n: f"장관님께 편지 쓰기 {n}")
    summary_en = "Ask the Minister to free the prisoners of conscience."
    summary_ko = "양심수를 석방해 달라고 장관님께 요청해 주세요."
    intro_en = "Your letter **matters**."
    intro_ko = "보내 주시는 편지가 **힘이 됩니다**."
    subject_en = "Free the prisoners of conscience"
    body_en = "I am writing from {city}, {country}.\n\nPlease free them."
    subject_ko = "양심수를 석방해 주십시오"
    body_ko = "{city}에서 편지를 드립니다.\n\n석방해 주십시오."
    status = LetterAction.Status.OPEN
    deliver_print = True

    @factory.post_generation
    def targets(self, create, extracted, **kwargs):
        if create:
            self.targets.add(*(extracted or [TargetFactory()]))


class LetterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Letter

    action = factory.SubFactory(LetterActionFactory)
    supporter = factory.SubFactory(SupporterFactory)
    target = factory.LazyAttribute(lambda letter: letter.action.targets.first())
    language = "en"
    first_name = "Ji-woo"
    last_name = "Kim"
    city = "Busan"
    country = "KR"
    subject = "Free the prisoners of conscience"
    body = "I am writing from Busan, South Korea.\n\nPlease free them."


# Petitions.

from django.utils import timezone  # noqa: E402

from petitions.models import Milestone, Petition, Signature  # noqa: E402


class PetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Petition
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    slug = factory.Sequence(lambda n: f"petition-{n}")
    title_en = factory.Sequence(lambda n: f"Free the prisoners {n}")
    title_ko = factory.Sequence(lambda n: f"수감된 분들을 석방해 주십시오 {n}")
    summary_en = "Release everyone held for a peaceful opinion."
    summary_ko = "평화적인 의견 때문에 수감된 모든 분을 석방해 주십시오."
    body_en = "We ask you to **act now**."
    body_ko = "지금 **조치해** 주십시오."
    goal = 1000
    status = Petition.Status.OPEN

    @factory.post_generation
    def targets(self, create, extracted, **kwargs):
        if create and extracted:
            self.targets.add(*extracted)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    petition = factory.SubFactory(PetitionFactory)
    threshold = 100


class SignatureFactory(factory.django.DjangoModelFactory):
    """A signature row as the services leave it; counts are the test's business
    (use petitions.services to change statuses, or reconcile after creating rows)."""

    class Meta:
        model = Signature

    petition = factory.SubFactory(PetitionFactory)
    supporter = factory.SubFactory(SupporterFactory)
    # The name given with the signature; by default the one its supporter has.
    first_name = factory.LazyAttribute(lambda o: o.supporter.first_name)
    last_name = factory.LazyAttribute(lambda o: o.supporter.last_name)
    status = Signature.Status.CONFIRMED
    country = "GB"
    confirmed_at = factory.LazyFunction(timezone.now)
