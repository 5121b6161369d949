"""The embed pages, and the manager's embed page, are valid HTML in English and Korean."""

from django.test import Client
from django.urls import reverse
from django.utils import translation

from lib import embed
from tests.config.test_valid_html import checker, checker_errors


def test_embed_pages_have_no_nu_checker_errors(bob, petition, letter_action, tmp_path):
    command = checker()
    files = {}
    manager = Client()
    manager.force_login(bob)
    for language in ("en", "ko"):
        with translation.override(language):
            pages = [
                (Client(), reverse("petitions:embed", args=[petition.slug])),
                (Client(), reverse("petitions:embed_thanks", args=[petition.slug])),
                (Client(), reverse("letters:embed", args=[letter_action.slug])),
                (Client(), reverse("letters:embed_thanks", args=[letter_action.slug])),
                (manager, reverse("campaigns:manage_campaign_embed", args=[petition.campaign_id])),
            ]
        for client, path in pages:
            response = client.get(path)
            assert response.status_code == 200, path
            name = f"{path.replace('/', '_')}.html"
            (tmp_path / name).write_bytes(response.content)
            files[name] = path
        # A refused form, with its message and the typed values.
        with translation.override(language):
            sign = reverse("petitions:embed_sign", args=[petition.slug])
        refused = Client().post(sign, {"first_name": "Ji-woo", embed.FORM_TOKEN_FIELD: ""})
        assert refused.status_code == 403
        (tmp_path / f"{language}_refused.html").write_bytes(refused.content)
        files[f"{language}_refused.html"] = sign

    errors, _status = checker_errors(command, tmp_path, files)

    assert errors == [], "\n".join(errors)
