"""The §6 draft checker: ``check(text, network, lists) -> list[Finding]``.

Pure and fast: no database and no network inside. The word lists CNCS maintains and the
network's character limit come in as arguments (``services.check_draft`` loads them, with
caching); without them the defaults of ``defaults.py`` apply. Each rule is a small named
function below with its own tests; ``check`` runs them all and sorts what they found.

A finding never stops anything: it warns the person writing. Whether a text is published
is decided by its administrators and, when in doubt, by Comunicación Social (§6.viii).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, cached_property
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import defaults
from .spelling import dictionary
from .text import Matcher, fold


class Severity(StrEnum):
    BLOCKS = "blocks"  # may not be published as it is
    CONSULT = "consult"  # ask Comunicación Social before publishing
    ADVICE = "advice"  # worth a second look


SEVERITY_LABELS = {
    Severity.BLOCKS: gettext_lazy("Impide publicar"),
    Severity.CONSULT: gettext_lazy("Consulte a Comunicación Social"),
    Severity.ADVICE: gettext_lazy("Sugerencia"),
}
SEVERITY_RANK = {Severity.BLOCKS: 0, Severity.CONSULT: 1, Severity.ADVICE: 2}


@dataclass(frozen=True)
class Finding:
    rule: str  # the rule's name, e.g. "personal_data"
    criterion: str  # the article of the criteria, e.g. "§6.iii"
    severity: Severity
    start: int  # the span of the text it points at: text[start:end]
    end: int
    message: str  # in Spanish, for the person writing
    suggestions: tuple[str, ...] = ()

    @property
    def severity_label(self) -> str:
        return str(SEVERITY_LABELS[self.severity])

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "criterion": self.criterion,
            "severity": str(self.severity),
            "severity_label": self.severity_label,
            "start": self.start,
            "end": self.end,
            "message": self.message,
            "suggestions": list(self.suggestions),
        }


@dataclass(frozen=True)
class NetworkSpec:
    code: str
    name: str
    max_length: int | None = None  # characters in one post; None when unknown


@dataclass(frozen=True)
class WordLists:
    """What CNCS maintains (``Term`` rows) plus the thresholds. Hashable, so a service can
    keep one compiled instance per version of the lists."""

    reserved: tuple[str, ...] = ()
    discourteous: tuple[str, ...] = ()
    partisan: tuple[str, ...] = ()
    chatter: tuple[str, ...] = ()
    opinion: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    vocabulary: tuple[str, ...] = ()
    electoral_process: str = ""  # the name of the electoral process under way, if any
    max_hashtags: int = 3
    max_mentions: int = 5
    max_capital_words: int = 3  # consecutive words in capitals that still read as emphasis

    # Compiled on first use and kept with the instance (cached_property writes __dict__).
    @cached_property
    def reserved_matcher(self) -> Matcher:
        return Matcher(self.reserved)

    @cached_property
    def discourteous_matcher(self) -> Matcher:
        return Matcher(self.discourteous)

    @cached_property
    def partisan_matcher(self) -> Matcher:
        return Matcher(self.partisan)

    @cached_property
    def chatter_matcher(self) -> Matcher:
        return Matcher(self.chatter)

    @cached_property
    def opinion_matcher(self) -> Matcher:
        return Matcher(self.opinion)

    @cached_property
    def allowed_links(self) -> tuple[tuple[str, str], ...]:
        """(host, path prefix) pairs: ``ine.mx`` allows the domain and its subdomains,
        ``x.com/INEMexico`` one account on a network."""
        pairs = []
        for entry in self.allowed_domains:
            host, _sep, path = _strip_scheme(entry.strip()).partition("/")
            if host:
                pairs.append((host.lower().removeprefix("www."), f"/{path}".rstrip("/").lower() if path else ""))
        return tuple(pairs)

    @cached_property
    def vocabulary_words(self) -> frozenset[str]:
        return frozenset(fold(word) for entry in self.vocabulary for word in re.findall(r"[^\W\d_]+", entry))


@cache
def default_lists() -> WordLists:
    return WordLists(
        reserved=tuple(defaults.RESERVED),
        discourteous=tuple(defaults.DISCOURTEOUS),
        partisan=tuple(defaults.PARTISAN),
        chatter=tuple(defaults.CHATTER),
        opinion=tuple(defaults.OPINION),
        allowed_domains=tuple(defaults.ALLOWED_DOMAINS),
        vocabulary=tuple(defaults.VOCABULARY),
    )


# --- What the rules share ---------------------------------------------------------------

URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'«»]+"
    r"|(?<![@\w.\-/])(?:[a-z0-9-]+\.)+(?:mx|com|org|net|info|io|ly|me|tv|gob|edu|lat)(?![\w-])(?:/[^\s<>\"'«»]*)?",
    re.IGNORECASE,
)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@((?:[\w-]+\.)+[a-z]{2,})(?!\w)", re.IGNORECASE)
HASHTAG = re.compile(r"(?<![\w#])#\w+")
MENTION = re.compile(r"(?<![\w@])@\w+")
WORD = re.compile(r"[^\W\d_]+")
TOKEN = re.compile(r"\w+")
TRAILING_PUNCTUATION = ".,;:!?)]}»\"'"


def _strip_scheme(url: str) -> str:
    return re.sub(r"^(?:https?://)?(?:www\.)?", "", url, flags=re.IGNORECASE)


@dataclass
class Draft:
    """The text and what several rules need from it, computed once."""

    text: str
    network: NetworkSpec | None
    lists: WordLists
    folded: str = field(init=False)

    def __post_init__(self) -> None:
        self.folded = fold(self.text)

    @cached_property
    def links(self) -> list[tuple[int, int, str]]:
        found = []
        for m in URL.finditer(self.text):
            url = m.group(0).rstrip(TRAILING_PUNCTUATION)
            found.append((m.start(), m.start() + len(url), url))
        return found

    @cached_property
    def emails(self) -> list[re.Match[str]]:
        return list(EMAIL.finditer(self.text))

    @cached_property
    def not_prose(self) -> list[tuple[int, int]]:
        """Spans that are addresses, mentions or hashtags, not words to spell-check."""
        spans = [(s, e) for s, e, _url in self.links] + [m.span() for m in self.emails]
        spans += [m.span() for m in HASHTAG.finditer(self.text)] + [m.span() for m in MENTION.finditer(self.text)]
        return spans

    def in_link(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e, _url in self.links)

    def quote(self, start: int, end: int, limit: int = 60) -> str:
        excerpt = " ".join(self.text[start:end].split())
        return excerpt if len(excerpt) <= limit else excerpt[: limit - 1] + "…"


Rule = Callable[[Draft], Iterator[Finding]]
RULES: dict[str, Rule] = {}


def rule(name: str) -> Callable[[Rule], Rule]:
    def register(func: Rule) -> Rule:
        RULES[name] = func
        return func

    return register


def _quoting(
    draft: Draft, name: str, criterion: str, severity: Severity, spans: Iterable[tuple[int, int]], message: str
) -> Iterator[Finding]:
    """One finding per span, its message (with ``%(word)s``) quoting the words found."""
    for start, end in spans:
        yield Finding(name, criterion, severity, start, end, message % {"word": draft.quote(start, end)})


# --- §6.iii Personal data -------------------------------------------------------------------

# A phone number: ten digits, in groups, optionally after +52 and the old mobile «1».
PHONE = re.compile(r"(?<![\w+])(?:\+?52[\s.-]?)?(?:\(?\d[\d\s().-]{8,16}\d)(?![\w])")
CURP = re.compile(
    r"\b[A-Z][AEIOUX][A-Z]{2}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[HMX]"
    r"(?:AS|BC|BS|CC|CL|CM|CS|CH|DF|DG|GT|GR|HG|JC|MC|MN|MS|NT|NL|OC|PL|QT|QR|SP|SL|SR|TC|TS|TL|VZ|YN|ZS|NE)"
    r"[B-DF-HJ-NP-TV-Z]{3}[A-Z\d]\d\b",
    re.IGNORECASE,
)
# A person's RFC (13 characters); a company's (12) is public.
RFC = re.compile(r"\b[A-ZÑ&]{4}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[A-Z\d]{2}[A\d]\b", re.IGNORECASE)
CLAVE_ELECTOR = re.compile(r"\b[A-Z]{6}\d{8}[HMX]\d{3}\b", re.IGNORECASE)
# The back of the credencial para votar: OCR (13 digits), CIC (9), the machine-readable line.
CREDENCIAL = re.compile(
    r"\bIDMEX\d{9,10}(?:<<\d{1,13})?|\b(?:OCR|CIC)\W{0,5}\d{9,13}\b|\b(?!52)\d{13}\b", re.IGNORECASE
)
ADDRESS = re.compile(
    r"\b(?:calle|av\.?|avenida|blvd\.?|boulevard|bulevar|calz\.?|calzada|priv\.?|privada|andador|cerrada"
    r"|prol\.?|prolongacion|carretera|camino|circuito|paseo|retorno)\s+[^\n,;]{2,60}?\s"
    r"(?:#\s?|num\.?\s?|no\.?\s?|numero\s)?\d{1,5}(?:\s?[a-z]\b|-[a-z\d]+)?\b[^\n]{0,60}?"
    r"\b(?:col\.|colonia|fracc\.?|fraccionamiento|barrio|unidad habitacional)(?!\w)",
)
TOLL_FREE = ("800", "900")  # «800 433 2000» is INETEL, the Institute's own line
# Other lines the Institute publishes: INETEL from abroad (+52 55 5481 9897) and the
# switchboard of its central offices (55 5628 4200).
INSTITUTE_LINES = frozenset({"5554819897", "5556284200"})
# «1 234 567 890 pesos»: a quantity in groups of three, as the SI and the RAE write them.
# No one writes a telephone number so (they end in a group of four or of two).
THOUSANDS = re.compile(r"\d{1,3}(?: \d{3})+")


def _phone_digits(number: str) -> str | None:
    if THOUSANDS.fullmatch(number):
        return None
    digits = re.sub(r"\D", "", number)
    if len(digits) == 13 and digits.startswith(("044", "045")):
        # The mobile prefixes dialled until 2019 («044 33 3614 5566»).
        digits = digits[3:]
    elif len(digits) == 12 and digits.startswith("52"):
        digits = digits[2:]
    elif len(digits) == 13 and digits.startswith("521"):
        digits = digits[3:]
    elif len(digits) == 12 and digits.startswith("01"):
        digits = digits[2:]
    if len(digits) != 10 or digits.startswith(TOLL_FREE) or digits in INSTITUTE_LINES:
        return None
    return digits


@rule("personal_data")
def personal_data(draft: Draft) -> Iterator[Finding]:
    text = draft.text
    for m in draft.emails:
        domain = m.group(1).lower()
        if domain == "ine.mx" or domain.endswith(".ine.mx"):
            continue
        yield Finding(
            "personal_data",
            "§6.iii",
            Severity.BLOCKS,
            m.start(),
            m.end(),
            _(
                "«%(email)s» es un correo personal o ajeno al Instituto: es un dato personal. "
                "En una cuenta institucional solo se publican direcciones @ine.mx."
            )
            % {"email": m.group(0)},
        )
    for m in PHONE.finditer(text):
        if _phone_digits(m.group(0)) is None or draft.in_link(*m.span()):
            continue
        yield Finding(
            "personal_data",
            "§6.iii",
            Severity.BLOCKS,
            m.start(),
            m.end(),
            _(
                "«%(number)s» parece un número de teléfono: si es de una persona, es un dato personal y no se "
                "publica. Las líneas del Instituto (como INETEL, 800 433 2000) sí pueden publicarse."
            )
            % {"number": draft.quote(*m.span())},
        )
    patterns = (
        (CURP, _("«%(value)s» tiene la forma de una CURP: es un dato personal y no se publica.")),
        (RFC, _("«%(value)s» tiene la forma del RFC de una persona: es un dato personal y no se publica.")),
        (
            CLAVE_ELECTOR,
            _("«%(value)s» tiene la forma de una clave de elector: es un dato personal y no se publica."),
        ),
        (
            CREDENCIAL,
            _(
                "«%(value)s» parece el OCR o el CIC de una credencial para votar: es un dato personal y no se "
                "publica. Si muestra una credencial de ejemplo, use la del material oficial."
            ),
        ),
    )
    for pattern, message in patterns:
        for m in pattern.finditer(text):
            if draft.in_link(*m.span()):
                continue
            yield Finding(
                "personal_data", "§6.iii", Severity.BLOCKS, m.start(), m.end(), message % {"value": m.group(0)}
            )
    for m in ADDRESS.finditer(draft.folded):
        yield Finding(
            "personal_data",
            "§6.iii",
            Severity.CONSULT,
            m.start(),
            m.end(),
            _(
                "Parece un domicilio (calle, número y colonia). Si es el de una oficina o módulo del Instituto, "
                "puede publicarse; si es el de una persona, es un dato personal y no se publica."
            ),
        )


# --- §6.iii, §6.v Reserved information ----------------------------------------------------


@rule("reserved")
def reserved(draft: Draft) -> Iterator[Finding]:
    yield from _quoting(
        draft,
        "reserved",
        "§6.iii",
        Severity.CONSULT,
        draft.lists.reserved_matcher.finditer(draft.text, draft.folded),
        _(
            "«%(word)s» sugiere información reservada o confidencial, o una deliberación interna que aún no "
            "concluye en una decisión oficial (§6.v). Consulte a Comunicación Social antes de publicar."
        ),
    )


# --- §6.xxiii Capitals only for emphasis ----------------------------------------------------


@rule("capitals")
def capitals(draft: Draft) -> Iterator[Finding]:
    limit = draft.lists.max_capital_words
    run: list[re.Match[str]] = []  # the words in capitals so far, one letter ones included

    def finding() -> Iterator[Finding]:
        counted = [m for m in run if len(m.group(0)) > 1]
        if len(counted) > limit:
            start, end = run[0].start(), run[-1].end()
            yield Finding(
                "capitals",
                "§6.xxiii",
                Severity.ADVICE,
                start,
                end,
                ngettext(
                    "%(n)s palabra seguida en mayúsculas: escriba con mayúsculas y minúsculas y use las mayúsculas "
                    "solo para resaltar alguna palabra.",
                    "%(n)s palabras seguidas en mayúsculas: escriba con mayúsculas y minúsculas y use las "
                    "mayúsculas solo para resaltar alguna palabra.",
                    len(counted),
                )
                % {"n": len(counted)},
            )

    for m in TOKEN.finditer(draft.text):
        token = m.group(0)
        if token.isupper() and token.isalpha():
            run.append(m)
            continue
        yield from finding()
        run = []
    yield from finding()


# --- Length: the network's own limit (§6.xx: the dynamics of each network) ----------------------


@rule("length")
def length(draft: Draft) -> Iterator[Finding]:
    network = draft.network
    if network is None or not network.max_length or len(draft.text) <= network.max_length:
        return
    size, limit = len(draft.text), network.max_length
    yield Finding(
        "length",
        "§6.xx",
        Severity.BLOCKS,
        limit,
        size,
        ngettext(
            "El texto tiene %(size)s caracteres y %(network)s admite %(limit)s: sobra %(over)s carácter "
            "(marcado al final).",
            "El texto tiene %(size)s caracteres y %(network)s admite %(limit)s: sobran %(over)s caracteres "
            "(marcados al final).",
            size - limit,
        )
        % {"size": size, "network": network.name, "limit": limit, "over": size - limit},
    )


# --- §6.vi, §6.ix–x Links outside the Institute ------------------------------------------------


@rule("links")
def links(draft: Draft) -> Iterator[Finding]:
    allowed = draft.lists.allowed_links
    for start, end, url in draft.links:
        rest = _strip_scheme(url)
        host = re.split(r"[/?#:]", rest, maxsplit=1)[0].lower()
        path = rest[len(host) :].split("?")[0].split("#")[0].lower()
        if any(
            (host == h or host.endswith("." + h)) and (not p or path == p or path.startswith(p + "/"))
            for h, p in allowed
        ):
            continue
        yield Finding(
            "links",
            "§6.vi",
            Severity.ADVICE,
            start,
            end,
            _(
                "Enlace fuera de los sitios del Instituto (%(host)s): publíquelo solo si se vincula directamente "
                "con sus fines y programas, y verifique que la fuente sea identificable y confiable (§6.vi, "
                "§6.ix–x)."
            )
            % {"host": host},
        )


# --- §6.xiii, §6.iii Everyday chatter and personal opinions ---------------------------------------

LAUGHTER = re.compile(r"(?<!\w)(?:j[aeiou]){2,}j?(?!\w)")


@rule("chatter")
def chatter(draft: Draft) -> Iterator[Finding]:
    spans = list(draft.lists.chatter_matcher.finditer(draft.text, draft.folded))
    spans += [m.span() for m in LAUGHTER.finditer(draft.folded)]
    yield from _quoting(
        draft,
        "chatter",
        "§6.xiii",
        Severity.ADVICE,
        spans,
        _(
            "«%(word)s» suena a conversación cotidiana o personal: en las cuentas del Instituto los temas se "
            "tratan desde una perspectiva institucional."
        ),
    )


@rule("personal_opinion")
def personal_opinion(draft: Draft) -> Iterator[Finding]:
    yield from _quoting(
        draft,
        "personal_opinion",
        "§6.iii",
        Severity.ADVICE,
        draft.lists.opinion_matcher.finditer(draft.text, draft.folded),
        _(
            "«%(word)s» es una opinión en primera persona: la cuenta habla por el Instituto, no a título "
            "personal. Prefiera la voz institucional («el INE informa…»)."
        ),
    )


# --- §6.xix Courtesy -----------------------------------------------------------------------------


@rule("discourtesy")
def discourtesy(draft: Draft) -> Iterator[Finding]:
    yield from _quoting(
        draft,
        "discourtesy",
        "§6.xix",
        Severity.BLOCKS,
        draft.lists.discourteous_matcher.finditer(draft.text, draft.folded),
        _(
            "«%(word)s»: ninguna respuesta del Instituto lleva insultos, descalificaciones, faltas de cortesía "
            "ni amenazas de bloqueo. A nadie se bloquea ni se expulsa; si hace falta responder, la respuesta "
            "es institucional."
        ),
    )


# --- Partisan content (§6.i: only the Institute's activities) --------------------------------------


@rule("partisan")
def partisan(draft: Draft) -> Iterator[Finding]:
    process = draft.lists.electoral_process
    for start, end in draft.lists.partisan_matcher.finditer(draft.text, draft.folded):
        word = draft.quote(start, end)
        if process:
            message = _(
                "«%(word)s» es un partido político o una candidatura y está en curso el %(process)s: una cuenta "
                "institucional no difunde contenido partidista. Si la mención es institucional (registro, "
                "debates, resultados oficiales), consulte a Comunicación Social."
            ) % {"word": word, "process": process}
        else:
            message = _(
                "«%(word)s» es un partido político o una candidatura: menciónelo solo con un propósito "
                "institucional e imparcial."
            ) % {"word": word}
        yield Finding("partisan", "§6.i", Severity.CONSULT if process else Severity.ADVICE, start, end, message)


# --- §6.xxiv Spam ------------------------------------------------------------------------------------

SENTENCE = re.compile(r"[^.!?¡¿\n]+")


@rule("spam")
def spam(draft: Draft) -> Iterator[Finding]:
    seen: set[str] = set()
    for m in SENTENCE.finditer(draft.folded):
        sentence = " ".join(m.group(0).split())
        if len(sentence) < 15:
            continue
        if sentence in seen:
            start = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
            end = m.start() + len(m.group(0).rstrip())
            yield Finding(
                "spam",
                "§6.xxiv",
                Severity.ADVICE,
                start,
                end,
                _("Esta frase ya aparece antes en el texto: repetir el mismo mensaje se lee como spam."),
            )
        seen.add(sentence)
    for pattern, limit, message in (
        (
            HASHTAG,
            draft.lists.max_hashtags,
            lambda n, limit: (
                ngettext(
                    "%(n)s etiqueta (#); más de %(limit)s se lee como spam.",
                    "%(n)s etiquetas (#); más de %(limit)s se leen como spam.",
                    n,
                )
                % {"n": n, "limit": limit}
            ),
        ),
        (
            MENTION,
            draft.lists.max_mentions,
            lambda n, limit: (
                ngettext(
                    "%(n)s mención (@); más de %(limit)s se lee como envío indiscriminado.",
                    "%(n)s menciones (@); más de %(limit)s se leen como envío indiscriminado.",
                    n,
                )
                % {"n": n, "limit": limit}
            ),
        ),
    ):
        found = [m for m in pattern.finditer(draft.text) if not draft.in_link(*m.span())]
        if len(found) > limit:
            yield Finding(
                "spam", "§6.xxiv", Severity.ADVICE, found[limit].start(), found[-1].end(), message(len(found), limit)
            )


# --- §6.xxii Spelling --------------------------------------------------------------------------------

MAX_SPELLING_FINDINGS = 25
SENTENCE_END = re.compile(r"[.!?¡¿:\n]\s*$")


def _match_case(word: str, suggestion: str) -> str:
    return suggestion[:1].upper() + suggestion[1:] if word[:1].isupper() else suggestion


@rule("spelling")
def spelling(draft: Draft) -> Iterator[Finding]:
    words = dictionary()
    vocabulary = draft.lists.vocabulary_words
    skip = draft.not_prose
    text = draft.text
    reported = 0
    for m in TOKEN.finditer(text):
        word = m.group(0)
        if len(word) < 2 or word.isupper() or not word.isalpha():
            continue  # a letter, an acronym, a code or a number
        lower = word.lower()
        if words.known(lower) or fold(word) in vocabulary:
            continue
        start, end = m.span()
        if any(s <= start < e for s, e in skip):
            continue
        before = text[max(0, start - 3) : start]
        capitalised = word[0].isupper()
        sentence_start = start == 0 or bool(SENTENCE_END.search(before))
        if capitalised and not sentence_start:
            continue  # a proper name: Tlaquepaque, Mendoza
        if not word[1:].islower():
            continue  # mixed case: a brand or a handle (iPhone, TikTok)
        suggestions = tuple(_match_case(word, s) for s in words.corrections(lower))
        if not suggestions:
            continue
        reported += 1
        message = _("«%(word)s» parece mal escrita. ¿Quiso decir «%(suggestions)s»?") % {
            "word": word,
            "suggestions": "», «".join(suggestions),
        }
        yield Finding("spelling", "§6.xxii", Severity.ADVICE, start, end, message, suggestions)
        if reported >= MAX_SPELLING_FINDINGS:
            return


# --- The checker -----------------------------------------------------------------------------------


def check(text: str, network: NetworkSpec | None = None, lists: WordLists | None = None) -> list[Finding]:
    """Every finding of every rule on ``text``, in the order they appear in it."""
    draft = Draft(text=text or "", network=network, lists=lists or default_lists())
    findings: dict[tuple[str, int, int], Finding] = {}
    for run in RULES.values():
        for finding in run(draft):
            findings.setdefault((finding.rule, finding.start, finding.end), finding)
    return sorted(findings.values(), key=lambda f: (f.start, SEVERITY_RANK[f.severity], f.end, f.rule))


def summary(findings: list[Finding]) -> dict[str, int]:
    counts = {str(s): 0 for s in Severity}
    for f in findings:
        counts[str(f.severity)] += 1
    return counts
