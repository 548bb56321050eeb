"""From what a person pastes (a handle, an address in any of its forms) to the handle as the
network compares it. Pure: the networks are passed in, nothing is read from the database.

Every form of a profile's address leads to the same handle: with or without ``https://``
and ``www.``, mobile and regional hosts (``m.``, ``mobile.``, ``es-la.``), the network's old
and new domains (twitter.com / x.com), a trailing slash, a query string or fragment, an
``@``, any letter case, and a post's address (``x.com/INEMexico/status/…``). Nothing is
guessed beyond that: a look-alike (a digit for a letter, an extra suffix) is another handle.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from collections.abc import Iterable

    from accounts.models import Network

# First path segments that are a network's own pages, never a profile ("x.com/home",
# "facebook.com/groups/…", "instagram.com/p/…").
RESERVED_FIRST_SEGMENTS = frozenset(
    {
        "home",
        "i",
        "intent",
        "search",
        "explore",
        "hashtag",
        "share",
        "sharer",
        "sharer.php",
        "settings",
        "messages",
        "notifications",
        "login",
        "signup",
        "groups",
        "events",
        "watch",
        "marketplace",
        "gaming",
        "pages",
        "profile.php",
        "story.php",
        "permalink.php",
        "photo",
        "photo.php",
        "photos",
        "p",
        "reel",
        "reels",
        "stories",
        "tv",
        "accounts",
        "about",
        "help",
        "privacy",
        "legal",
        "policies",
        "results",
        "feed",
        "channel",
        "c",
        "user",
        "playlist",
        "shorts",
        "embed",
        "tag",
        "discover",
        "live",
    }  # fmt: skip
)
# Legacy prefixes a network still serves in front of a profile ("facebook.com/pg/INEMexico").
LEGACY_PREFIXES = frozenset({"pg"})
# Something that starts like a host ("x.com/…", "www.facebook.com") rather than a handle.
_HOSTLIKE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(/|$)", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Query:
    """What a lookup asks for. ``networks`` is empty for a bare handle (any network);
    ``key`` is empty when the text names no profile (an unknown site, a network's own page)."""

    key: str
    networks: tuple[Network, ...]
    is_address: bool

    @property
    def names_a_profile(self) -> bool:
        return bool(self.key)


def _network_for_host(host: str, networks: Iterable[Network]) -> Network | None:
    """The network serving ``host`` on any subdomain (www., m., mobile., es-la., …)."""
    for network in networks:
        if any(host == h or host.endswith("." + h) for h in network.allowed_hosts()):
            return network
    return None


# Endings that make "word.word" a site's name rather than a handle with a dot.
_SITE_ENDINGS = frozenset({"com", "net", "org", "mx", "io", "co", "info", "biz", "gob", "edu", "app", "me", "tv", "ly"})


def looks_like_address(text: str, networks: Iterable[Network] = ()) -> bool:
    """An address, not a handle. Handles may hold dots ("ine.jalisco" on Instagram,
    "INE.Jalisco" on Facebook): a bare "word.word" with no path is an address only when it
    is a network's host or ends like a site's name ("ejemplo.com", "ine.mx")."""
    if "://" in text:
        return True
    if not _HOSTLIKE.match(text):
        return False
    if "/" in text or ":" in text:
        return True
    host = text.lower().rstrip(".")
    return host.rsplit(".", 1)[-1] in _SITE_ENDINGS or _network_for_host(host, networks) is not None


def handle_from_path(network: Network, path: str) -> str:
    """The profile's handle in an address's path, or "" when the path is not a profile's."""
    segments = [seg for seg in unquote(path).split("/") if seg]
    if segments and segments[0].lower() in LEGACY_PREFIXES:
        segments = segments[1:]
    if not segments:
        return ""
    for pattern in network.profile_paths():
        parts = pattern.split("/")
        if len(segments) < len(parts):
            continue
        fixed, last = parts[:-1], parts[-1]
        if [seg.lower() for seg in segments[: len(fixed)]] != [p.lower() for p in fixed]:
            continue
        candidate = segments[len(fixed)]
        prefix = last.removesuffix("{handle}")
        if prefix and not candidate.startswith(prefix):
            continue
        candidate = candidate[len(prefix) :]
        if not fixed and not prefix and candidate.lower() in RESERVED_FIRST_SEGMENTS:
            return ""
        return candidate
    return ""


def parse(text: str, networks: Iterable[Network]) -> Query:
    networks = tuple(networks)
    text = _SPACES.sub(" ", (text or "").strip().strip("<>\"'“”«»").strip())
    if not text or _CONTROL.search(text):
        # A control character (a NUL, a backspace) is in no handle or address; and no
        # database is asked about it (PostgreSQL refuses a NUL in a query).
        return Query(key="", networks=(), is_address=False)
    if looks_like_address(text, networks):
        parts = urlsplit(text if "://" in text else f"https://{text}")
        network = None
        if parts.scheme.lower() in ("http", "https"):
            network = _network_for_host((parts.hostname or "").lower().rstrip("."), networks)
        if network is None:
            # Another site is never an INE account, whatever its path says.
            return Query(key="", networks=(), is_address=True)
        handle = handle_from_path(network, parts.path)
        return Query(key=network.handle_key(handle) if handle else "", networks=(network,), is_address=True)
    if " " in text:
        # A name ("INE Jalisco") is not a handle: names are not vouched for.
        return Query(key="", networks=(), is_address=False)
    return Query(key=text.lstrip("@").lower(), networks=(), is_address=False)


# --- Look-alikes ------------------------------------------------------------------------

# Characters impostors swap for the ones they imitate ("INEMexic0", "lNEMexico").
_CONFUSABLES = str.maketrans({"0": "o", "1": "l", "i": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b"})
_SEPARATORS = re.compile(r"[._\-]")


# Letters of other scripts drawn like Latin ones, after lower-casing ("ІNEMexico" with a
# Cyrillic І, "ΙΝΕΜexico" in Greek capitals).
_HOMOGLYPHS = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "і": "i", "ї": "i", "ј": "j", "к": "k", "м": "m", "н": "h",
        "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l",
        "ԛ": "q", "ԝ": "w",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "h", "ι": "i", "κ": "k", "μ": "m", "ν": "n", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "y", "χ": "x", "ζ": "z", "ϲ": "c",
        # Latin letters that are not a, b, c…
        "ı": "i", "ɡ": "g", "ℓ": "l",
    }
)  # fmt: skip


def _plain_letters(key: str) -> str:
    """Full-width and styled letters (ＩＮＥ, 𝐈𝐍𝐄) as plain ones, accents and invisible
    characters (a zero-width space, a soft hyphen) dropped, other scripts' look-alike letters
    as the Latin ones they imitate."""
    decomposed = unicodedata.normalize("NFKD", key)
    kept = "".join(c for c in decomposed if unicodedata.category(c) not in ("Mn", "Cf"))
    return kept.lower().translate(_HOMOGLYPHS)


def skeleton(key: str) -> str:
    """What a handle looks like to a hurried reader: case, separators, accents, other scripts
    and confusable characters folded away ("INE_Mexic0", "ＩＮＥＭｅｘｉｃｏ", "ІNEMexico" and
    "inemexico" share one)."""
    folded = _SEPARATORS.sub("", _plain_letters(key)).translate(_CONFUSABLES)
    return folded.replace("rn", "m").replace("vv", "w")


def _one_edit_apart(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :] if len(a) < len(b) else a[i + 1 :] == b[i + 1 :]


def looks_alike(query_key: str, registered_key: str) -> bool:
    """Whether ``query_key`` imitates ``registered_key`` without being it: the same skeleton,
    the registered handle with something added ("INEMexico_oficial"), or one character off."""
    if not query_key or query_key == registered_key:
        return False
    q, r = skeleton(query_key), skeleton(registered_key)
    if q == r:
        return True
    if len(r) >= 5 and r in q:
        return True
    return len(r) >= 6 and _one_edit_apart(q, r)
