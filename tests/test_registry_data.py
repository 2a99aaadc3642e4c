"""The source registry data file (claims/data/sources.toml) is well formed and says what we rely on."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import defaultdict
from importlib import resources
from pathlib import Path

import pytest

KINDS = {
    "person",
    "government",
    "military",
    "state-media",
    "media",
    "wire",
    "ngo",
    "international-org",
    "party",
    "armed-group",
    "company",
    "academic",
    "anonymous",
}
MEDIA_KINDS = {"state-media", "media", "wire"}
MEDIUMS = {"agency", "newspaper", "broadcaster", "website"}
FIELDS = {"id", "name", "name_ar", "kind", "country", "group", "medium", "aliases"}
REQUIRED_FIELDS = {"id", "name", "name_ar", "kind", "country", "group", "aliases"}
CONTRACT_IDS = {
    "kcna",
    "dprk-state-media",
    "kim-jong-un",
    "russia-mfa",
    "russia-gov",
    "vladimir-putin",
    "nk-news",
    "al-wafd",
    "yonhap",
    "reuters",
    "afp",
    "ap",
    "tass",
    "rodong-sinmun",
    "anonymous",
}
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COUNTRY = re.compile(r"^(?:[A-Z]{2})?$")

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # diacritics, tatweel
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})


def _registry_path():
    try:
        path = resources.files("claims") / "data" / "sources.toml"
        if path.is_file():
            return path
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "claims" / "data" / "sources.toml"


def _load() -> list[dict]:
    return tomllib.loads(_registry_path().read_text(encoding="utf-8"))["source"]


SOURCES = _load()
BY_ID = {s["id"]: s for s in SOURCES}


def normalize(name: str) -> str:
    """Casefold, drop Arabic diacritics and tatweel, fold alef/ya/ta-marbuta variants, squeeze spaces."""
    text = unicodedata.normalize("NFC", name).casefold()
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_FOLD)
    return " ".join(text.split())


def names_of(source: dict) -> list[str]:
    return [n for n in (source["name"], source["name_ar"], *source["aliases"]) if n]


def test_registry_has_at_least_120_sources():
    assert len(SOURCES) >= 120


def test_registry_entries_have_known_fields_only():
    for source in SOURCES:
        assert REQUIRED_FIELDS <= source.keys(), source.get("id")
        assert source.keys() <= FIELDS, source["id"]


def test_registry_ids_are_unique():
    ids = [s["id"] for s in SOURCES]
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []


def test_registry_ids_are_kebab_case():
    assert [s["id"] for s in SOURCES if not KEBAB.match(s["id"])] == []


def test_registry_kinds_are_known():
    assert [(s["id"], s["kind"]) for s in SOURCES if s["kind"] not in KINDS] == []


def test_registry_has_contract_ids():
    assert CONTRACT_IDS - BY_ID.keys() == set()


def test_registry_groups_are_non_empty_kebab_case():
    assert [s["id"] for s in SOURCES if not KEBAB.match(s["group"])] == []


def test_registry_names_are_non_empty():
    for source in SOURCES:
        assert source["name"].strip(), source["id"]
        assert source["name_ar"].strip(), source["id"]


def test_registry_countries_are_iso_codes_or_empty():
    assert [(s["id"], s["country"]) for s in SOURCES if not COUNTRY.match(s["country"])] == []


def test_registry_medium_only_on_media_kinds_and_known():
    bad = [
        s["id"]
        for s in SOURCES
        if "medium" in s and (s["kind"] not in MEDIA_KINDS or s["medium"] not in MEDIUMS)
    ]
    assert bad == []


def test_registry_aliases_are_clean_strings():
    for source in SOURCES:
        for alias in source["aliases"]:
            assert isinstance(alias, str) and alias == alias.strip() and alias, (source["id"], alias)


def test_registry_entry_does_not_repeat_a_name():
    repeated = {}
    for source in SOURCES:
        names = names_of(source)
        if len(names) != len(set(names)):
            repeated[source["id"]] = sorted({n for n in names if names.count(n) > 1})
    assert repeated == {}


def test_registry_no_name_shared_by_two_sources():
    owners: dict[str, set[str]] = defaultdict(set)
    for source in SOURCES:
        for name in names_of(source):
            owners[normalize(name)].add(source["id"])
    shared = {name: sorted(ids) for name, ids in owners.items() if len(ids) > 1}
    assert shared == {}


def test_registry_anonymous_entry():
    anonymous = BY_ID["anonymous"]
    assert (anonymous["kind"], anonymous["group"], anonymous["aliases"]) == ("anonymous", "anonymous", [])


def test_registry_dprk_state_voices_share_a_group():
    assert {BY_ID[i]["group"] for i in ("kcna", "rodong-sinmun", "kim-jong-un", "dprk-state-media")} == {
        "dprk-state"
    }


def test_registry_russia_state_voices_share_a_group():
    assert {BY_ID[i]["group"] for i in ("vladimir-putin", "russia-mfa", "russia-gov", "tass")} == {
        "russia-state"
    }


def test_registry_reuters_and_afp_are_independent():
    assert BY_ID["reuters"]["group"] != BY_ID["afp"]["group"]


def test_registry_independent_outlets_are_their_own_group():
    for source_id in ("reuters", "afp", "ap", "yonhap", "nk-news", "al-wafd", "bbc"):
        assert BY_ID[source_id]["group"] == source_id


@pytest.mark.parametrize(
    ("mention", "expected"),
    [
        # Names used in the founding article (Al-Wafd, 5 Dec 2024) and its "read also" piece.
        ("وزارة الخارجية الروسية", "russia-mfa"),
        ("وكالة الأنباء الكورية الشمالية", "kcna"),
        ("وكالة الأنباء المركزية لكوريا الشمالية", "kcna"),
        ("الوكالة الكورية", "kcna"),
        ("وكالة الأنباء المركزية الكورية الشمالية", "kcna"),
        ("كيم جونغ أون", "kim-jong-un"),
        ("كيم جونج أون", "kim-jong-un"),
        ("الزعيم الكوري الشمالي", "kim-jong-un"),
        ("فلاديمير بوتين", "vladimir-putin"),
        ("بوتين", "vladimir-putin"),
        ("روسيا", "russia-gov"),
        ("أندريه رودينكو", "andrei-rudenko"),
        ("كيم جونغ-غيو", "kim-jong-gyu"),
        ("إن كيه نيوز", "nk-news"),
        ("بوابة الوفد", "al-wafd"),
        # Spelling variants and acronyms.
        ("بيونغيانغ", "dprk-gov"),
        ("أ ف ب", "afp"),
        ("رويترز", "reuters"),
        ("KCNA", "kcna"),
        ("TASS", "tass"),
        ("SOHR", "sohr"),
        ("المرصد السوري لحقوق الإنسان", "sohr"),
        ("قسد", "sdf"),
        ("الخارجية الروسية", "russia-mfa"),
        ("زاخاروفا", "maria-zakharova"),
        ("لافروف", "sergei-lavrov"),
        ("بوتن", "vladimir-putin"),
    ],
)
def test_registry_resolves_article_mentions(mention, expected):
    matches = [s["id"] for s in SOURCES if normalize(mention) in {normalize(n) for n in names_of(s)}]
    assert matches == [expected]
