"""Danish inflected forms for the search index.

Material's search appends '*' to each query word and matches prefixes, so a base form
("korps") finds its inflections ("korpset"), but an inflected query ("fritidsjobbene")
does not find a page that only says "fritidsjob". Lunr's Danish stemmer does not help
(it runs on the index only, not on wildcard queries). We therefore add the regular
inflections of the words in an activity's name to its page as a hidden search aid.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-zÆØÅæøå]{4,}")
_ENDINGS = ("en", "et", "er", "ene", "erne", "s", "ens", "ets")
_ENDINGS_AFTER_E = ("n", "r", "ne", "rne", "ns", "s")


def inflections(text: str) -> list[str]:
    forms: set[str] = set()
    for word in _WORD.findall(text):
        w = word.lower()
        endings = _ENDINGS_AFTER_E if w.endswith("e") else _ENDINGS
        forms.update(w + e for e in endings)
        if w.endswith("b") or w.endswith("p"):  # fritidsjob -> fritidsjobbet, fritidsjobbene
            forms.update(w + w[-1] + e for e in ("et", "ene", "er", "erne"))
    return sorted(forms)
