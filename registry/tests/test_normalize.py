"""Every form of a profile's address leads to the same handle; nothing else does."""

from __future__ import annotations

import pytest

from registry import normalize

pytestmark = pytest.mark.django_db


def _parse(networks, text):
    return normalize.parse(text, list(vars(networks).values()))


@pytest.mark.parametrize(
    "text",
    [
        "INEMexico",
        "@INEMexico",
        "inemexico",
        "  @INEMEXICO  ",
        "<https://x.com/INEMexico>",
        "https://x.com/INEMexico",
        "http://x.com/INEMexico",
        "x.com/INEMexico",
        "https://www.x.com/INEMexico",
        "https://mobile.x.com/INEMexico",
        "https://m.twitter.com/INEMexico",
        "https://twitter.com/INEMexico/",
        "https://www.twitter.com/inemexico?lang=es",
        "https://x.com/INEMexico#top",
        "https://x.com/INEMexico/status/1790000000000000000",
        "https://x.com/@INEMexico",
        "HTTPS://X.COM/INEMEXICO",
    ],
)
def test_every_form_of_an_x_profile_is_the_same_handle(networks, text):
    query = _parse(networks, text)
    assert query.key == "inemexico"
    if query.is_address:
        assert query.networks == (networks.x,)
    else:
        assert query.networks == ()


@pytest.mark.parametrize(
    "network, text, key",
    [
        ("facebook", "https://www.facebook.com/INEMexico", "inemexico"),
        ("facebook", "https://m.facebook.com/INEMexico/", "inemexico"),
        ("facebook", "https://es-la.facebook.com/INEMexico?ref=bookmarks", "inemexico"),
        ("facebook", "fb.com/INEMexico", "inemexico"),
        ("facebook", "https://www.facebook.com/pg/INEMexico/about/", "inemexico"),
        ("facebook", "https://web.facebook.com/ine.jalisco#x", "ine.jalisco"),
        ("youtube", "https://www.youtube.com/@INETV", "inetv"),
        ("youtube", "https://m.youtube.com/@INETV/videos", "inetv"),
        ("youtube", "youtube.com/@inetv?si=abc", "inetv"),
        ("instagram", "https://www.instagram.com/ine.jalisco/", "ine.jalisco"),
        ("instagram", "instagram.com/INE.Jalisco?igsh=abc", "ine.jalisco"),
        ("tiktok", "https://www.tiktok.com/@inemexico", "inemexico"),
        ("tiktok", "https://m.tiktok.com/@INEMexico/video/123", "inemexico"),
        ("threads", "https://www.threads.net/@inemexico", "inemexico"),
        ("threads", "https://www.threads.com/@INEMexico/post/abc", "inemexico"),
        ("whatsapp", "https://whatsapp.com/channel/0029VaABCDEFGHIJKLMNOP12", "0029vaabcdefghijklmnop12"),
        ("whatsapp", "https://www.whatsapp.com/channel/0029VaABCDEFGHIJKLMNOP12/", "0029vaabcdefghijklmnop12"),
        ("linkedin", "https://www.linkedin.com/company/ine-mexico/", "ine-mexico"),
        ("linkedin", "https://mx.linkedin.com/company/INE-Mexico?trk=x", "ine-mexico"),
    ],
)
def test_every_network_reads_its_own_address_forms(networks, network, text, key):
    query = _parse(networks, text)
    assert query.key == key
    assert query.networks == (getattr(networks, network),)


@pytest.mark.parametrize(
    "text",
    [
        "https://ejemplo.com/INEMexico",
        "https://x.com.ejemplo.mx/INEMexico",
        "https://notx.com/INEMexico",
        "ftp://x.com/INEMexico",
        "https://x.com/",
        "https://x.com/home",
        "https://x.com/search?q=INEMexico",
        "https://www.facebook.com/groups/123",
        "https://www.instagram.com/p/Cabc/",
        "https://www.youtube.com/watch?v=abc",
        "https://www.youtube.com/INETV",
        "https://www.tiktok.com/discover/ine",
        "INE Jalisco",
        "Instituto Nacional Electoral",
        "",
        "   ",
        # Control characters are in no handle or address (and PostgreSQL refuses a NUL).
        "INEMexico\x00",
        "https://x.com/INE\x00Mexico",
        "\x08INEMexico",
        "INE\x8cMexico",
    ],
)
def test_another_site_a_networks_own_page_or_a_name_names_no_profile(networks, text):
    assert not _parse(networks, text).names_a_profile


@pytest.mark.parametrize(
    "impostor", ["INEMexic0", "lNEMexico", "INEMexico_oficial", "INEMexicoMX", "INE_Mexico", "IN3Mexico", "INEMexlco"]
)
def test_a_look_alike_imitates_without_being_the_handle(impostor):
    assert normalize.looks_alike(impostor.lower(), "inemexico")


@pytest.mark.parametrize(
    "impostor",
    [
        "\uff29\uff2e\uff25\uff2d\uff45\uff58\uff49\uff43\uff4f",  # full-width ＩＮＥＭｅｘｉｃｏ
        "\U0001d408\U0001d40d\U0001d404\U0001d40c\U0001d41e\U0001d431\U0001d422\U0001d41c\U0001d428",  # 𝐈𝐍𝐄𝐌𝐞𝐱𝐢𝐜𝐨
        "\u0406NEMexico",  # Cyrillic І
        "INEM\u0435xic\u043e",  # Cyrillic е and о
        "\u0399\u039d\u0395\u039cexico",  # Greek ΙΝΕΜ
        "\u0406\u039d\u0415\u041c\u0435\u0445\u0456\u0441\u043e",  # not one Latin letter: ІΝЕМехісо
        "INE\u200bMexico",  # a zero-width space
        "INE\u200dMex\u00adico",  # a zero-width joiner and a soft hyphen
        "INEM\u00e9xic\u00f3",  # accents: INEMéxicó
    ],
)
def test_unicode_look_alikes_imitate_the_handle(impostor):
    assert normalize.looks_alike(impostor.lower(), "inemexico")


def test_a_unicode_look_alike_is_never_the_handle_itself(networks):
    # Networks allow only ASCII handles: a full-width or Cyrillic form is someone else's.
    for text in ("\uff29\uff2e\uff25\uff2d\uff45\uff58\uff49\uff43\uff4f", "\u0406NEMexico"):
        assert _parse(networks, text).key != "inemexico"


@pytest.mark.parametrize("other", ["INEJalisco", "ConsejeraUno", "cuenta", "INE", "INEtelMX"])
def test_unrelated_handles_are_not_look_alikes(other):
    assert not normalize.looks_alike(other.lower(), "inemexico")


def test_the_handle_itself_is_not_a_look_alike():
    assert not normalize.looks_alike("inemexico", "inemexico")


@pytest.mark.parametrize(
    "text, key", [("ine.jalisco", "ine.jalisco"), ("INE.Jalisco", "ine.jalisco"), ("@ine.cdmx", "ine.cdmx")]
)
def test_a_handle_with_a_dot_is_a_handle_not_a_site(networks, text, key):
    query = _parse(networks, text)
    assert (query.key, query.is_address, query.networks) == (key, False, ())


@pytest.mark.parametrize("text", ["ejemplo.com", "ine.mx", "www.ine.mx", "x.com", "www.facebook.com"])
def test_a_site_name_is_an_address(networks, text):
    query = _parse(networks, text)
    assert query.is_address and not query.names_a_profile
