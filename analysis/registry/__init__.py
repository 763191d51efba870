"""Registries: the data files a researcher edits instead of code, and the outlet registry's loader.

Every file in this folder is data, read by the module named beside it:

========================== ============================== =============================================
file                       read by                        what it holds
========================== ============================== =============================================
``outlets.csv``            this module                    domain -> outlet name, country, language,
                                                          time zone, ownership, type; aliases
``boilerplate.txt``        :mod:`analysis.text`           one regex per line: lines cleaning removes
``actors.yaml``            :mod:`analysis.actors`         actors and places, aliases in four languages
``concepts.yaml``          :mod:`analysis.tokens`         the concept bridge's glossary
``stopwords.yaml``         :mod:`analysis.tokens`         stop words added to stopwordsiso's
``wire_credits.yaml``      :mod:`analysis.lineage`        wires, their datelines and credit phrases
``hedges.yaml``            :mod:`analysis.hedging`        hedges (reportedly, якобы, 것으로 알려졌다) per
                                                          language and kind
``navigation.yaml``        :mod:`analysis.readers.pages`  menu, account and section words (en, id, ru,
                                                          ko, pl): a line of them is never a headline
``public_datasets.csv``    :mod:`analysis.datasets`       the real corpora: file, SHA-256, licence
``demo_*``                 :mod:`analysis.demo`           the SIMULATED demo's outlets, events, templates
``codebooks/*.yaml``       :mod:`analysis.codebooks`      frame codebooks: definitions, coding
                                                          instructions, cue lexicons (en, id, ru, ko, pl)
``sources/*.yaml``         :mod:`analysis.speakers`       speakers: people, institutions, states, media
                                                          with types, parents, titles, aliases
``attribution_cues.yaml``  :mod:`analysis.attribution`    reporting cues per language (said, kata,
                                                          заявил, 밝혔다), where the source stands
========================== ============================== =============================================

This module loads ``outlets.csv`` (:class:`OutletRegistry`): it maps a site's domain to one
outlet; aliases (``|``-separated) are other names a source may give the outlet
(``The Guardian - International``) and other domains (``kmp.im``, ``bbc.com``).

Examples
--------
>>> reg = OutletRegistry.default()
>>> reg.resolve(url="https://www.theguardian.com/world/2024/jun/19/x").outlet
'The Guardian'
>>> reg.resolve(name="The Guardian - International").outlet_domain
'theguardian.com'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from .. import config

OUTLETS_FILE = config.REGISTRY_DIR / "outlets.csv"
#: Host prefixes that never distinguish an outlet.
_HOST_PREFIX_RE = re.compile(r"^(?:www\d*|m|mobile|amp|mob|wap)\.")
_DOMAIN_LIKE_RE = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+$")
#: Second-level labels under which the registrable domain has three labels.
_SECOND_LEVEL = {"co", "com", "ac", "go", "or", "org", "net", "gov", "edu", "ne", "re", "mil", "web"}


def normalise_host(value) -> str | None:
    """Lower-case host of a URL or domain, without ``www.``/mobile prefixes.

    Examples
    --------
    >>> normalise_host("https://m.detik.com/news/x"), normalise_host("WWW.BBC.CO.UK")
    ('detik.com', 'bbc.co.uk')
    >>> normalise_host("/internasional/x-1211305") is None
    True
    """
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    if not value:
        return None
    if "://" in value:
        host = urlsplit(value).hostname or ""
    elif value.startswith("/"):
        return None
    else:
        host = value.split("/")[0].split(":")[0]
    host = host.strip(".")
    while _HOST_PREFIX_RE.match(host) and host.count(".") >= 2:
        host = _HOST_PREFIX_RE.sub("", host, count=1)
    return host if _DOMAIN_LIKE_RE.match(host) else None


def _parents(host: str):
    """The host and its parent domains, down to the registrable domain."""
    labels = host.split(".")
    minimum = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    for start in range(0, len(labels) - minimum + 1):
        yield ".".join(labels[start:])


@dataclass(frozen=True)
class OutletMatch:
    """An outlet resolved from a URL, a domain or a name."""

    outlet: str | None
    outlet_domain: str | None
    timezone: str | None = None
    known: bool = False
    #: What decided the match: ``"url"``, ``"domain"`` or ``"name"`` (None when nothing did).
    via: str | None = None


class OutletRegistry:
    """Lookup of outlets by domain and by name.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns as in ``outlets.csv``.
    """

    def __init__(self, table: pd.DataFrame):
        self.table = table
        self._matches = [OutletMatch(r.outlet, r.domain, r.timezone or None, True)
                         for r in table.itertuples(index=False)]
        self._cache: dict[tuple, OutletMatch] = {}
        self._by_domain: dict[str, int] = {}
        self._by_name: dict[str, int] = {}
        for i, row in enumerate(table.itertuples(index=False)):
            self._by_domain.setdefault(row.domain.lower(), i)
            self._by_name.setdefault(_name_key(row.outlet), i)
            aliases = row.aliases if isinstance(row.aliases, str) else ""
            for alias in filter(None, (a.strip() for a in aliases.split("|"))):
                if _DOMAIN_LIKE_RE.match(alias.lower()):
                    self._by_domain.setdefault(alias.lower(), i)
                self._by_name.setdefault(_name_key(alias), i)

    @classmethod
    def from_csv(cls, path: str | Path) -> "OutletRegistry":
        """Read a registry file (same columns as the packaged ``outlets.csv``)."""
        table = pd.read_csv(path, dtype="str", keep_default_na=False)
        missing = {"domain", "outlet", "timezone", "aliases"} - set(table.columns)
        if missing:
            raise ValueError(f"{path}: outlet registry lacks columns {sorted(missing)}")
        return cls(table)

    @classmethod
    def default(cls) -> "OutletRegistry":
        """The registry shipped in the package."""
        return _default_registry()

    def _match(self, i: int) -> OutletMatch:
        return self._matches[i]

    def lookup_domain(self, host: str | None) -> OutletMatch | None:
        if not host:
            return None
        for candidate in _parents(host):
            if candidate in self._by_domain:
                return self._match(self._by_domain[candidate])
        return None

    def resolve(self, *, url=None, domain=None, name=None) -> OutletMatch:
        """Resolve one row's outlet.

        The URL's host wins, then a domain column, then the source's outlet
        name (matched against names and aliases). Unknown outlets keep their
        normalised host as both name and domain, so that differently named
        feeds of one site still count as one outlet. The match's ``via`` says
        which of ``url``, ``domain`` or ``name`` decided.

        Examples
        --------
        >>> reg = OutletRegistry.default()
        >>> [reg.resolve(url=u, name=n).via for u, n in [("https://northernherald.example/a", "Northern Herald"),
        ...                                                (None, "Northern Herald"), (None, None)]]
        ['url', 'name', None]
        """
        via_url = normalise_host(url) is not None
        host = normalise_host(url) or normalise_host(domain)
        key = (host, domain, name, via_url)
        if key not in self._cache:
            if len(self._cache) > 100_000:
                self._cache.clear()
            self._cache[key] = self._resolve(host, domain, name, via_url)
        return self._cache[key]

    def _resolve(self, host, domain, name, via_url: bool) -> OutletMatch:
        host_via = "url" if via_url else "domain"
        match, via = self.lookup_domain(host), host_via
        if match is None and isinstance(domain, str):
            match, via = self.lookup_domain(normalise_host(domain)), "domain"
        if match is None and isinstance(name, str) and name.strip():
            key, via = _name_key(name), "name"
            if key in self._by_name:
                match = self._match(self._by_name[key])
            elif _DOMAIN_LIKE_RE.match(name.strip().lower()):
                match = self.lookup_domain(normalise_host(name))
                host_via = host_via if host else "name"
                host = host or normalise_host(name)
        if match is not None:
            return replace(match, via=via)
        if host:
            return OutletMatch(host, host, via=host_via)
        if isinstance(name, str) and name.strip():
            return OutletMatch(" ".join(name.split()), None, via="name")
        return OutletMatch(None, None)


def _name_key(name: str) -> str:
    return " ".join(str(name).casefold().split())


@lru_cache(maxsize=1)
def _default_registry() -> OutletRegistry:
    return OutletRegistry.from_csv(OUTLETS_FILE)
