"""The language layer: word forms from each language's data, one place that says what a word is, clear
errors for languages no folder provides, and a third language added from a folder with no code change."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from claims import lang
from claims.checker import check_text
from claims.errors import EXIT_USAGE, DataError
from claims.registry import Registry
from claims.store.index import index_text
from claims.text.normalize import normalize
from claims.types import InputText

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "languages.md"
LANG_DIR = ROOT / "claims" / "lang"


@pytest.fixture
def restore_languages():
    """Languages registered by a test are forgotten after it; the bundled ones come back as bundled."""
    before = lang.codes()
    yield
    for code in lang.codes():
        if code not in before or code in lang.LANGUAGES:
            lang.unregister(code)


def test_lang_bundled_languages_are_defined_once():
    assert lang.LANGUAGES == ("ar", "en")
    assert lang.get("ar").rtl and not lang.get("en").rtl
    assert (lang.get("ar").name, lang.get("en").name) == ("Arabic", "English")
    assert {lang.get(code).grammar for code in lang.LANGUAGES} == set(lang.GRAMMARS)


@pytest.mark.parametrize("code", ["fr", "", "AR", "arabic"])
def test_lang_unsupported_language_is_a_clear_error(code):
    with pytest.raises(lang.UnsupportedLanguage) as raised:
        lang.get(code)
    assert isinstance(raised.value, ValueError)
    assert raised.value.exit_code == EXIT_USAGE
    assert str(raised.value) == f"unsupported language {code!r}; supported: ar, en"


def test_lang_pipeline_of_an_unsupported_language_is_an_error_not_english():
    import spacy

    nlp = spacy.blank("fr")
    with pytest.raises(lang.UnsupportedLanguage, match="supported: ar, en"):
        nlp.add_pipe("claims_sources")


# The three uses of one set of clitics (docs/languages.md shows the same table).
@pytest.mark.parametrize(
    ("word", "clitic", "content", "index"),
    [
        ("وقال", ["وقال", "قال"], ["وقال", "قال"], ["وقال", "قال"]),
        ("فأعلنت", ["فاعلنت", "اعلنت"], ["فاعلنت", "اعلنت"], ["فاعلنت", "اعلنت"]),
        ("للوكالة", ["للوكاله", "الوكاله", "لوكاله"], ["للوكاله", "الوكاله", "وكاله"],
         ["للوكاله", "الوكاله", "لوكاله", "وكاله"]),
        ("وبالحرب", ["وبالحرب", "الحرب", "بالحرب"], ["وبالحرب", "بالحرب", "الحرب", "حرب"],
         ["وبالحرب", "الحرب", "بالحرب", "حرب"]),
        ("سيرتفع", ["سيرتفع"], ["سيرتفع", "يرتفع"], ["سيرتفع"]),
        ("الشمالية", ["الشماليه"], ["الشماليه", "شماليه"], ["الشماليه", "شماليه"]),
        ("وفي", ["وفي", "في"], ["وفي"], []),
    ],
)  # fmt: skip
def test_lang_arabic_word_forms(word, clitic, content, index):
    ar = lang.get("ar")
    norm = normalize(word)
    assert list(ar.clitic_forms(norm)) == clitic
    assert list(ar.content_forms(norm)) == content
    assert list(lang.index_forms(norm)) == index


@pytest.mark.parametrize(
    ("word", "index"),
    [
        ("fires", ["fire"]),
        ("butterflies", ["butterfly"]),
        ("the", []),
        ("said", ["said"]),
        ("2024", ["2024"]),
    ],
)
def test_lang_english_words_have_no_clitics_and_an_index_stem(word, index):
    en = lang.get("en")
    assert en.clitic_forms(word) == en.content_forms(word) == (word,)
    assert list(lang.index_forms(word)) == index


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        (
            "وقالت وكالة الأنباء المركزية الكورية إن الصواريخ أطلقت في 5 ديسمبر",
            "وقالت قالت وكاله اله كاله الانباء انباء المركزيه مركزيه الكوريه كوريه الصواريخ صواريخ اطلقت 5 ديسمبر",
        ),
        ("The ministry said fires destroyed 1,200 homes", "ministry said fire destroyed 1200 home"),
    ],
)
def test_lang_store_index_keys_are_those_stored_databases_hold(text, keys):
    assert index_text(normalize(text)) == keys


def test_lang_clitics_come_from_the_data(tmp_path, restore_languages):
    folder = tmp_path / "ar"
    shutil.copytree(LANG_DIR / "ar", folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    meta = folder / "language.toml"
    meta.write_text(meta.read_text(encoding="utf-8").replace('["و", "ف"]', '["و"]'), encoding="utf-8")
    assert lang.get("ar").clitic_forms("فقال") == ("فقال", "قال")
    lang.register_folder(folder)
    assert lang.get("ar").clitic_forms("فقال") == ("فقال",)
    assert lang.get("ar").clitic_forms("وقال") == ("وقال", "قال")
    lang.unregister("ar")
    assert lang.get("ar").clitic_forms("فقال") == ("فقال", "قال")
    assert lang.codes() == ("ar", "en")  # Arabic keeps its place: it wins ties when text is read


def test_lang_month_names_are_loaded_once_for_every_reader():
    from claims.lang.tokens import tokenize
    from claims.match.relation.dates import find_dates
    from claims.text.dates import parse_date

    months = lang.month_names()
    assert months["december"] == months["ديسمبر"] == months["كانون الاول"] == 12
    assert str(parse_date("5 كانون الأول 2024")) == "2024-12-05"
    assert [str(d) for d in find_dates(tokenize("قمة 5 ديسمبر 2024", "ar"), "ar")] == ["2024-12-05"]
    assert find_dates(tokenize("Russia may send troops", "en"), "en") == []


def test_lang_no_literal_language_codes_outside_the_layer():
    literal = re.compile(
        r"""(==|!=|\bin)\s*\(?\s*["'](ar|en)["']|["'](ar|en)["']\s*(==|!=)|\bin\s*\(\s*["'](ar|en)["']\s*,"""
    )
    offenders = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in (ROOT / "claims").rglob("*.py")
        if LANG_DIR not in path.parents
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if literal.search(line)
    ]
    assert offenders == []


def test_lang_every_bundled_language_reads_all_its_files():
    for code in lang.LANGUAGES:
        language = lang.get(code)
        assert language.data["cues"]["verbs"], code
        assert len(language.stopwords) > 50, code
        assert sorted(set(language.months.values())) == list(range(1, 13)), code
        assert language.data["relations"]["negation"] and language.data["relations"]["numbers"], code


def test_lang_folder_without_language_toml_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="not a language folder"):
        lang.register_folder(tmp_path)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[language]\nscript = "klingon"', "unknown script 'klingon'"),
        ('[language]\ngrammar = "yoda"', "unknown grammar 'yoda'"),
        ('[clitics]\nconjunctions = ["и", "да"]', "a list of single letters is required"),
        ("[language\n", "is malformed"),
    ],
)
def test_lang_malformed_language_folder_is_a_data_error(tmp_path, text, problem):
    (tmp_path / "language.toml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=re.escape(problem)):
        lang.register_folder(tmp_path)


# --- a third language from a folder, with no code change (docs/languages.md) ---------------------------

RUSSIAN = (
    "Министерство иностранных дел России заявило, что договор вступил в силу.\n\n"
    "По данным ТАСС, документ подписали в Москве.\n"
)


def _write_documented_folder(root: Path) -> Path:
    """The files docs/languages.md shows, written where it says."""
    blocks = re.findall(r"<!-- file: (\S+) -->\n```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 3
    for name, body in blocks:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(body, encoding="utf-8")
    return root / "ru"


def test_lang_third_language_from_a_folder_attributes_russian(tmp_path, restore_languages):
    folder = _write_documented_folder(tmp_path)
    russian = lang.register_folder(folder)
    assert (russian.code, russian.name, lang.codes()) == ("ru", "Russian", ("ar", "en", "ru"))
    report = check_text(InputText(RUSSIAN, "ru.txt", "utf-8", "txt"), Registry.load())
    assert report.document.language == "ru"
    found = [
        (c.claim.attribution.source_id, c.claim.attribution.mention.text, c.claim.attribution.cue.text)
        for c in report.claims
    ]
    assert found == [
        ("russia-mfa", "Министерство иностранных дел России", "заявило"),
        ("tass", "ТАСС", "По данным"),
    ]


def test_lang_third_language_from_claims_lang_path(tmp_path):
    folder = _write_documented_folder(tmp_path / "langs")
    article = tmp_path / "ru.txt"
    article.write_text(RUSSIAN, encoding="utf-8")
    env = {"CLAIMS_LANG_PATH": str(folder), "PATH": "", "CLAIMS_HOME": str(tmp_path)}
    cmd = [sys.executable, "-m", "claims", "check", str(article), "--format", "jsonl"]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert '"source": {"id": "russia-mfa"' in result.stdout.replace("\n", "")
    bad = subprocess.run(
        cmd, capture_output=True, text=True, env={**env, "CLAIMS_LANG_PATH": str(tmp_path)}, timeout=120
    )
    assert (bad.returncode, bad.stdout) == (EXIT_USAGE, "")
    assert bad.stderr.startswith("claims: ") and "not a language folder" in bad.stderr
    assert "Traceback" not in bad.stderr
