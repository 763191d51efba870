"""Outlet normalisation from URLs, domains and names."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.registry import OUTLETS_FILE, OutletRegistry, normalise_host


@pytest.fixture(scope="module")
def registry():
    return OutletRegistry.default()


@pytest.mark.parametrize("kwargs", [
    {"url": "https://www.theguardian.com/world/2024/jun/19/x"},
    {"url": "https://amp.theguardian.com/world/x"},
    {"name": "The Guardian - International"},
    {"name": "theguardian.com"},
    {"domain": "theguardian.com", "name": "The Guardian - World"},
])
def test_guardian_variants_are_one_outlet(registry, kwargs):
    match = registry.resolve(**kwargs)
    assert (match.outlet, match.outlet_domain) == ("The Guardian", "theguardian.com")


@pytest.mark.parametrize("value, host", [
    ("https://m.detik.com/news/x", "detik.com"),
    ("https://www.bbc.co.uk/news", "bbc.co.uk"),
    ("mobile.twitter.com", "twitter.com"),
    ("www.example.org:8080/x", "example.org"),
    ("/internasional/x", None),
    ("not a url", None),
])
def test_hosts_lose_www_and_mobile_prefixes(value, host):
    assert normalise_host(value) == host


def test_subdomains_resolve_to_the_registered_outlet(registry):
    assert registry.resolve(url="https://news.detik.com/internasional/d-1").outlet == "Detik"
    assert registry.resolve(url="https://ameera.republika.co.id/berita/x").outlet == "Republika"


def test_short_link_domains_are_aliases(registry):
    assert registry.resolve(url="https://kmp.im/AbC").outlet_domain == "kompas.com"


def test_unknown_outlets_fall_back_to_their_domain_then_their_name(registry):
    assert registry.resolve(url="https://blog.example.net/p/1").outlet == "blog.example.net"
    assert registry.resolve(name="  Some   Local Paper ").outlet == "Some Local Paper"
    assert registry.resolve().outlet is None


def test_registry_knows_outlet_time_zones(registry):
    assert registry.resolve(url="https://www.cnnindonesia.com/x").timezone == "Asia/Jakarta"
    assert registry.resolve(url="https://tass.ru/x").timezone == "Europe/Moscow"


def test_registry_file_is_well_formed():
    table = pd.read_csv(OUTLETS_FILE, dtype="str", keep_default_na=False)
    assert not table["domain"].duplicated().any()
    assert (table["domain"] == table["domain"].str.lower()).all()
    assert set(table["type"]) <= {"wire", "newspaper", "broadcaster", "state agency", "portal"}
    assert set(table["ownership"]) <= {"state", "public", "private"}
    from zoneinfo import ZoneInfo

    for zone in table["timezone"]:
        ZoneInfo(zone)  # raises for an unknown zone


def test_a_user_registry_can_replace_the_packaged_one(tmp_path):
    path = tmp_path / "outlets.csv"
    path.write_text("domain,outlet,country,language,timezone,ownership,type,aliases\n"
                    "example.org,Example Daily,ID,id,Asia/Jakarta,private,newspaper,ED|ex.am\n", encoding="utf-8")
    registry = OutletRegistry.from_csv(path)
    assert registry.resolve(name="ED").outlet == "Example Daily"
    assert registry.resolve(url="https://ex.am/1").outlet_domain == "example.org"
    bad = tmp_path / "bad.csv"
    bad.write_text("domain,name\nx.org,X\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lacks columns"):
        OutletRegistry.from_csv(bad)
