"""The catalogue: every entry in both languages, the same placeholders, no mixed languages."""

from __future__ import annotations

import string

import pytest

from inspectlib import catalogue
from inspectlib.catalogue.languages import chinese_runs, english_sentences

ENTRIES = [pair for domain in catalogue.domains() for pair in catalogue.entries(domain)]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_catalogue_has_domains():
    assert "inputs" in catalogue.domains()
    assert len(ENTRIES) >= 10


@pytest.mark.parametrize("key,entry", ENTRIES, ids=[key for key, _ in ENTRIES])
def test_entry_is_written_in_both_languages(key, entry):
    assert set(entry) == set(catalogue.LANGUAGES), f"{key} must give exactly zh and en"
    assert all(isinstance(t, str) and t.strip() for t in entry.values()), key
    assert _fields(entry["zh"]) == _fields(entry["en"]), f"{key}: placeholders differ"
    assert english_sentences(entry["zh"]) == [], f"{key}: English in the zh text"
    assert chinese_runs(entry["en"]) == [], f"{key}: Chinese in the en text"


def test_text_fills_values_and_refuses_unknown_keys():
    assert catalogue.text("inputs.table.rows", "zh") == "涉及行数"
    with pytest.raises(catalogue.CatalogueError):
        catalogue.text("inputs.no_such_key", "zh")
    with pytest.raises(catalogue.CatalogueError):
        catalogue.text("inputs.table", "zh")
    with pytest.raises(catalogue.CatalogueError):
        catalogue.words("inputs", "fr")


def test_words_is_a_copy():
    first = catalogue.words("inputs", "en")
    first["table"]["rows"] = "changed"
    assert catalogue.words("inputs", "en")["table"]["rows"] == "rows"
