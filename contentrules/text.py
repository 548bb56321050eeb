"""Text helpers shared by the rules: a folded copy of the text whose positions are the
original's, and the word-list matchers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

# Accents off, «ñ» kept (año is not ano). One character for one, so a match in the folded
# text points at the same span of the original.
_FOLD = str.maketrans("áéíóúüàèìòùâêîôûäëïö", "aeiouuaeiouaeiouaeio")


def fold(text: str) -> str:
    """Lower case without accents, as long as ``text``."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is two (İ): keep it as is
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered.translate(_FOLD)


def _term_regex(term: str) -> str:
    """A term of a list as a regular expression: words separated by any spaces, and a final
    ``*`` for any ending (``pendej*`` finds pendejo, pendeja, pendejadas)."""
    prefix = term.endswith("*")
    words = term.rstrip("*").split()
    return r"\s+".join(re.escape(w) for w in words) + (r"\w*" if prefix else "")


class Matcher:
    """Whole-word matches of a list of words or phrases. A term written in capitals
    (``PAN``, ``PRI``) is an acronym and matches only in capitals, so «pan» (bread) does not;
    any other term matches regardless of case and accents."""

    def __init__(self, terms: Iterable[str]):
        exact, folded = set(), set()
        for term in terms:
            term = " ".join(term.split())
            if not term.rstrip("*"):
                continue
            letters = [c for c in term if c.isalpha()]
            if len(letters) >= 2 and all(c.isupper() for c in letters):
                exact.add(term)
            else:
                folded.add(fold(term))
        self.exact = self._compile(exact)
        self.folded = self._compile(folded)

    @staticmethod
    def _compile(terms: set[str]) -> re.Pattern[str] | None:
        if not terms:
            return None
        # Longest first, so «proyecto de acuerdo» wins over «proyecto».
        alternatives = "|".join(_term_regex(t) for t in sorted(terms, key=lambda t: (-len(t), t)))
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")

    def __bool__(self) -> bool:
        return self.exact is not None or self.folded is not None

    def finditer(self, text: str, folded: str) -> Iterator[tuple[int, int]]:
        if self.exact is not None:
            for m in self.exact.finditer(text):
                yield m.start(), m.end()
        if self.folded is not None:
            for m in self.folded.finditer(folded):
                yield m.start(), m.end()
