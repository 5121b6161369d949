import base64
import json
from datetime import timedelta

import pytest
from altcha import create_challenge_v1, solve_challenge_v1
from django.utils import timezone

from petitions.hotpath.page_cache import clean_ref
from petitions.signing import abuse


def solved_payload(challenge: dict, **changes) -> str:
    """Solve a challenge as the browser script does and encode the answer."""
    solution = solve_challenge_v1(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxNumber"]
    )
    payload = {
        "algorithm": challenge["algorithm"],
        "challenge": challenge["challenge"],
        "number": solution.number,
        "salt": challenge["salt"],
        "signature": challenge["signature"],
        **changes,
    }
    return base64.b64encode(json.dumps(payload).encode()).decode()


@pytest.fixture(autouse=True)
def _small_challenges(settings):
    settings.PETITIONS_CHALLENGE_MAX_NUMBER = 2000


def test_a_solved_challenge_is_accepted_once():
    payload = solved_payload(abuse.new_challenge(petition_id=1))

    assert abuse.verify_challenge(payload, petition_id=1) is True
    assert abuse.verify_challenge(payload, petition_id=1) is False


def test_a_wrong_answer_is_refused():
    challenge = abuse.new_challenge(petition_id=1)
    payload = solved_payload(challenge)
    number = json.loads(base64.b64decode(payload))["number"]

    assert (
        abuse.verify_challenge(solved_payload(challenge, number=number + 1), petition_id=1) is False
    )


def test_a_challenge_signed_with_another_key_is_refused():
    foreign = create_challenge_v1(
        hmac_key="someone-else",
        max_number=2000,
        expires=timezone.now() + timedelta(minutes=5),
        params={"petition": "1"},
    ).to_dict()

    assert abuse.verify_challenge(solved_payload(foreign), petition_id=1) is False


def test_an_expired_challenge_is_refused(settings):
    old = create_challenge_v1(
        hmac_key=abuse._challenge_key(),
        max_number=2000,
        expires=timezone.now() - timedelta(seconds=1),
        params={"petition": "1"},
    ).to_dict()

    assert abuse.verify_challenge(solved_payload(old), petition_id=1) is False


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "not base64!",
        base64.b64encode(b"[1, 2]").decode(),
        base64.b64encode(b"{}").decode(),
        "A" * 3000,
    ],
)
def test_garbage_is_refused(payload):
    assert abuse.verify_challenge(payload, petition_id=1) is False


def test_the_configured_key_signs_challenges(settings):
    settings.PETITIONS_CHALLENGE_HMAC_KEY = "configured-key"
    challenge = abuse.new_challenge(petition_id=1)

    settings.PETITIONS_CHALLENGE_HMAC_KEY = "another-key"

    assert abuse.verify_challenge(solved_payload(challenge), petition_id=1) is False


@pytest.mark.parametrize(
    ("address", "disposable"),
    [
        ("a@mailinator.com", True),
        ("a@MAILINATOR.com", True),
        ("a@inbox.10minutemail.com", True),
        ("a@gmail.com", False),
        ("a@example.org", False),
        ("a@naver.com", False),
    ],
)
def test_is_disposable(address, disposable):
    assert abuse.is_disposable(address) is disposable


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("newsletter", "newsletter"),
        ("<script>x</script>", "scriptxscript"),
        ("a b&c=d", "abcd"),
        ("x" * 60, "x" * 40),
        ("kakao_2026-11.v2", "kakao_2026-11.v2"),
    ],
)
def test_clean_ref(raw, clean):
    assert clean_ref(raw) == clean


def test_rate_limits_count_each_client_and_each_petition_separately(settings):
    settings.PETITIONS_RATE_LIMITS = {"ip_burst": (2, 60), "petition_burst": (3, 60)}

    clients = [abuse.client_rate_reason(ip_hash="one") for _ in range(3)]
    other_client = abuse.client_rate_reason(ip_hash="two")
    petition = [abuse.petition_rate_reason(petition_id=1) for _ in range(4)]
    other_petition = abuse.petition_rate_reason(petition_id=2)

    assert clients == ["", "", "rate_ip"]
    assert other_client == ""
    assert petition == ["", "", "", "rate_petition"]
    assert other_petition == ""


def test_switched_off_limits_never_hold(settings):
    settings.PETITIONS_RATE_LIMITS = {"ip_burst": None}

    assert {abuse.client_rate_reason(ip_hash="one") for _ in range(50)} == {""}
    assert {abuse.petition_rate_reason(petition_id=1) for _ in range(50)} == {""}


def test_a_challenge_for_one_petition_is_refused_for_another():
    payload = solved_payload(abuse.new_challenge(petition_id=1))

    assert abuse.verify_challenge(payload, petition_id=2) is False
    assert abuse.verify_challenge(payload, petition_id=1) is True


def test_a_surge_makes_the_challenge_harder_for_its_petition_only(settings):
    settings.PETITIONS_RATE_LIMITS = {"petition_burst": (10, 60)}
    quiet = abuse.new_challenge(petition_id=1)["maxNumber"]
    for _ in range(6):  # above half the limit
        abuse.petition_rate_reason(petition_id=1)

    surging = abuse.new_challenge(petition_id=1)["maxNumber"]
    other = abuse.new_challenge(petition_id=2)["maxNumber"]

    assert (quiet, surging, other) == (2000, 20000, 2000)
