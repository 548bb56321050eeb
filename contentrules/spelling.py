"""Spanish spelling (§6.xxii) on pyspellchecker's free Spanish word list.

The list (about 86,000 words with their frequencies) is read once per process, on first
use, and kept in plain dicts. It is mostly lemmas: it has «votar» and «todo» but not «vota»
or «todos», and misses some common words altogether («directo», «capacitación»). Reporting
every word it lacks flagged one correct word in twenty on a real draft, so the rule is
precision first: a word is reported only when what was meant is clear (a missing or wrong
accent, the most frequent slip; a common mistake; a swapped or doubled letter), always with
the suggestion, and regular inflections of a listed word count as known.
"""

from __future__ import annotations

from functools import cache, lru_cache

from .text import fold

# A swapped or doubled letter is suggested only when it gives a common word.
MIN_FREQUENCY = 1000
COMMON_MISTAKES = {
    "haiga": "haya",
    "haigan": "hayan",
    "nadien": "nadie",
    "dijistes": "dijiste",
    "fuistes": "fuiste",
    "hicistes": "hiciste",
    "vistes": "viste",
    "hubieron": "hubo",
    "habemos": "somos",
    "aereopuerto": "aeropuerto",
    "preveer": "prever",
    "atravez": "a través",
    "osea": "o sea",
    "sinembargo": "sin embargo",
    "porfavor": "por favor",
    "enserio": "en serio",
}
CLITICS = ("nos", "los", "las", "les", "lo", "la", "le", "te", "me", "se")
NOUN_SUFFIXES = (("ces", "z"), ("es", ""), ("s", ""))
VERB_SUFFIXES = tuple(
    sorted(
        {
            # -ar
            "o", "as", "a", "amos", "an", "é", "aste", "ó", "asteis", "aron", "aba", "abas", "ábamos", "aban",
            "e", "es", "emos", "en", "ado", "ada", "ados", "adas", "ando", "ara", "aran", "ase",
            # -er / -ir
            "ía", "ías", "íamos", "ían", "í", "iste", "ió", "imos", "ieron", "ido", "ida", "idos", "idas",
            "iendo", "iera", "ieran", "iese", "éis", "ís",
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip
FUTURE_SUFFIXES = ("án", "á", "é", "ás", "emos", "ían", "ía", "ías", "íamos")
# Frequent irregular forms the list lacks.
COMMON_FORMS = frozenset(
    """
    hay qué quién quiénes cuál cuáles cuándo cómo dónde fue fueron será serán sea sean es son era eran
    está están estás estamos estaba estaban estuvo estuvieron esté estén puede pueden podrá podrán pudo
    tiene tienen tendrá tendrán tuvo tenga tengan hace hacen hará harán hizo hicieron haga hagan
    va van vamos vaya vayan ve ven vea vean vio dice dicen dijo diga digan da dan dio den
    quiere quieren sabe saben sé conoce conocen hubo haya hayan ha han he hemos has
    sigue siguen siga sigan pide piden pida pidan vuelve vuelven vuelva vuelvan
    """.split()
)


class Dictionary:
    def __init__(self, frequencies: dict[str, int]):
        self.frequencies = frequencies
        # The most frequent spelling of each accent-free form: «publicacion» → «publicación».
        self.by_fold: dict[str, str] = {}
        for word, count in frequencies.items():
            key = fold(word)
            if key != word and frequencies.get(self.by_fold.get(key, ""), -1) < count:
                self.by_fold[key] = word

    def __contains__(self, word: str) -> bool:
        return self.known(word)

    def known(self, word: str) -> bool:
        return word in self.frequencies or self._known_form(word)

    @lru_cache(maxsize=50_000)  # noqa: B019 — one Dictionary per process, kept for its life
    def _known_form(self, word: str) -> bool:
        return self._inflection_of_known(word)

    def _inflection_of_known(self, word: str, depth: int = 0) -> bool:
        """A lowercase word is known when it is in the list or is an inflection of a word in
        it: the list has mostly lemmas («todo», «votar») and lacks «todos», «vota», «será»."""
        freq = self.frequencies
        if word in freq or word in COMMON_FORMS:
            return True
        if len(word) < 4 or depth > 1:
            return False
        for clitic in CLITICS:  # «visítanos» → «visita», «infórmate» → «informa»
            if word.endswith(clitic) and len(word) - len(clitic) >= 3:
                if self._inflection_of_known(fold(word[: -len(clitic)]), depth + 1):
                    return True
        for suffix, replacement in NOUN_SUFFIXES:  # plurals: «ciudadanos», «ciudades», «veces»
            if word.endswith(suffix) and word[: -len(suffix)] + replacement in freq:
                return True
        for suffix in VERB_SUFFIXES:  # regular conjugations: «vota» ← «votar», «escriban» ← «escribir»
            if word.endswith(suffix):
                stem = word[: -len(suffix)]
                if len(stem) >= 2 and any(stem + ending in freq for ending in ("ar", "er", "ir")):
                    return True
        for suffix in FUTURE_SUFFIXES:  # future and conditional: «será», «votarían»
            if word.endswith(suffix) and word[: -len(suffix)][-2:] in ("ar", "er", "ir"):
                if word[: -len(suffix)] in freq:
                    return True
        return False

    def corrections(self, word: str) -> tuple[str, ...]:
        """What an unknown lowercase ``word`` most likely meant, only when that is clear:
        its form with the right accents («publicacion» → «publicación»), a common mistake
        («haiga» → «haya»), two letters swapped («credencail») or a letter typed twice
        («credenccial»). Otherwise nothing: the list is too gappy to call every unknown word
        a mistake («directo» is missing, «directa» is not)."""
        if word in COMMON_MISTAKES:
            return (COMMON_MISTAKES[word],)
        freq = self.frequencies
        accented = self.by_fold.get(fold(word))
        if accented and accented != word:
            return (accented,)
        found = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
        found |= {word[:i] + word[i + 1 :] for i in range(1, len(word)) if word[i] == word[i - 1]}
        known = sorted((w for w in found if freq.get(w, 0) >= MIN_FREQUENCY), key=lambda w: -freq[w])
        return tuple(known[:2])


@cache
def dictionary() -> Dictionary:
    from spellchecker import SpellChecker

    return Dictionary(dict(SpellChecker(language="es", distance=1).word_frequency.dictionary))
