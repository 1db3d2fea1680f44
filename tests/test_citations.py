"""Human citations: every source line names a document and section, never a seed file number."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from sikkerby_build.citations import cite, is_known, unknown_sources
from sikkerby_build.load import load_content, load_data
from tests.conftest import CONTENT, DATA

DOCS = list(csv.DictReader(open(DATA / "documents.csv", encoding="utf-8")))
FILE_NUMBER = re.compile(r"(?<![\d.,])\d{3}(?![\d.,])")


def _all_sources() -> set[str]:
    sources: set[str] = set()
    for path in DATA.glob("*.csv"):
        for row in csv.DictReader(open(path, encoding="utf-8")):
            sources.update(v for k, v in row.items() if (k == "source" or k.endswith("_source")) and v)
    for page in load_content(CONTENT):
        if page.meta.get("source"):
            sources.add(str(page.meta["source"]))
    return sources


SOURCES = sorted(_all_sources())


def test_the_real_data_has_many_sources():
    assert len(SOURCES) > 100


@pytest.mark.parametrize("source", SOURCES)
def test_every_real_source_becomes_a_citation_without_file_numbers(source: str):
    citation = cite(source, DOCS)
    assert "seed" not in citation.lower()
    assert not FILE_NUMBER.search(citation), citation
    assert "000 Bilag" not in citation
    assert citation.startswith(tuple(d["short_title"] for d in DOCS)), citation
    assert is_known(source, DOCS)


def test_citation_names_document_and_section_as_a_reader_would():
    assert cite("003 Sjakket (SOF)", DOCS) == "Effektopfølgning 2019, afsnit Sjakket (SOF)"
    assert cite("003 Sjakket (SOF) / MÅLOPFYLDELSE", DOCS) == "Effektopfølgning 2019, afsnit Sjakket (SOF) – Målopfyldelse"
    assert cite("000 Bilag 3 – Begrebsafklaring", DOCS) == "Sikker By Programmet 2010–2014, Bilag 3 – Begrebsafklaring"
    assert (
        cite("000 Bilag 1, Lokal indsats og borgerdialog / Effektmål", DOCS)
        == "Sikker By Programmet 2010–2014, Bilag 1, afsnit Lokal indsats og borgerdialog – Effektmål"
    )
    assert cite("001 Princip 3", DOCS) == "Oversigt over indsatser under Sikker By strategien 2018–2021, afsnit Princip 3"


def test_several_sections_of_one_document_name_the_document_once():
    citation = cite("000 VISION; Sikker By Programmet; Forandringsteori og effekt", DOCS)
    assert citation == "Sikker By Programmet 2010–2014, afsnit Vision; afsnit Forandringsteori og effekt"
    mixed = cite("001 Princip 2; 003 Sjakket (SOF)", DOCS)
    assert (
        mixed
        == "Oversigt over indsatser under Sikker By strategien 2018–2021, afsnit Princip 2; Effektopfølgning 2019, afsnit Sjakket (SOF)"
    )


def test_a_section_that_repeats_the_document_name_is_dropped():
    assert cite("000 Sikker By Programmet", DOCS) == "Sikker By Programmet 2010–2014"
    assert cite("000 Sikker By Programmet, aktivitetsliste", DOCS) == "Sikker By Programmet 2010–2014, aktivitetsliste"
    about = cite(
        "002 Notat til Socialudvalget (2010): status på Sikker By samarbejdet og Socialforvaltningens aktier i samarbejdet", DOCS
    )
    assert about == "Notat til Socialudvalget om Sikker By (2010)"


def test_unknown_document_is_kept_as_written_and_reported():
    assert cite("999 Noget", DOCS) == "999 Noget"
    assert not is_known("999 Noget", DOCS)
    assert not is_known("003 Sjakket (SOF); 999 Noget", DOCS)
    assert not is_known("Bilag 1 uden dokument", DOCS)
    assert is_known("003 Sjakket (SOF); MÅLOPFYLDELSE", DOCS)  # a part without id continues document 003


def test_every_document_has_reader_facing_title_and_publisher():
    for doc in DOCS:
        assert doc["title"] and doc["short_title"] and doc["publisher"], doc["id"]
        assert not FILE_NUMBER.search(doc["short_title"])


def test_real_data_has_no_unknown_sources():
    assert unknown_sources(load_data(DATA)) == []


def test_unknown_sources_reports_file_physical_line_and_field(tmp_path: Path):
    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    keep = [r for r in descriptor["resources"] if r["name"] in {"documents", "periods"}]
    (tmp_path / "datapackage.json").write_text(json.dumps({**descriptor, "resources": keep}), encoding="utf-8")
    (tmp_path / "documents.csv").write_text((DATA / "documents.csv").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "periods.csv").write_text(
        "id,name,start_year,end_year,description,source\n"
        'a,A,2010,2014,"to\nlinjer",000 Sikker By Programmet\n'
        "b,B,2018,2021,,seed 001 Princip 1\n",
        encoding="utf-8",
    )
    assert unknown_sources(load_data(tmp_path)) == [("periods.csv", 4, "source", "seed 001 Princip 1")]
    # a plain mapping of tables works too (line = row number + 1)
    tables = {"periods": [{"id": "x", "source": "004 indledning"}, {"id": "y", "source": "7 Noget"}]}
    assert unknown_sources(tables, DOCS) == [("periods.csv", 3, "source", "7 Noget")]
