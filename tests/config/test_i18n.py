from django.urls import reverse


def test_the_language_switch_turns_the_site_korean(client, db):
    response = client.post(reverse("set_language"), {"language": "ko", "next": "/"}, follow=True)

    page = response.content.decode()
    assert '<html lang="ko">' in page
    assert "한국의 인권을 위해 목소리를 내 주세요" in page
    assert "본문 바로가기" in page


def test_english_is_the_default(client, db):
    page = client.get("/").content.decode()

    assert '<html lang="en">' in page
    assert "Raise your voice for human rights in Korea" in page


def test_accept_language_picks_korean(client, db):
    page = client.get("/", headers={"accept-language": "ko-KR,ko;q=0.9"}).content.decode()

    assert "캠페인" in page
