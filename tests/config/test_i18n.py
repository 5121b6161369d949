from django.urls import reverse


def test_the_language_switch_turns_the_site_korean(client, db):
    response = client.post(reverse("set_language"), {"language": "ko", "next": "/"}, follow=True)

    page = response.content.decode()
    assert '<html lang="ko">' in page
    assert "한국의 인권을 위해 목소리를 내 주세요" in page
    assert "본문 바로가기" in page


def test_english_is_the_default(client, db):
    page = client.get("/en/").content.decode()

    assert '<html lang="en">' in page
    assert "Raise your voice for human rights in Korea" in page


def test_an_address_without_a_language_goes_to_the_readers_language(client, db):
    response = client.get("/", headers={"accept-language": "ko-KR,ko;q=0.9"}, follow=True)

    assert response.redirect_chain == [("/ko/", 302)]
    assert "캠페인" in response.content.decode()


def test_a_korean_address_stays_korean_whatever_the_browser_prefers(client, db):
    page = client.get("/ko/", headers={"accept-language": "en"}).content.decode()

    assert '<html lang="ko">' in page
