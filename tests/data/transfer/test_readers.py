"""Reading catalogue files as French offices write them (no database needed)."""

from __future__ import annotations

import codecs
import json
import re
import tracemalloc
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl import Workbook

from data.text import clean_text, fold
from data.transfer.columns import (
    field_of_header,
    header_key,
    protect_formula,
    split_indices,
    unprotect_formula,
)
from data.transfer.readers import (
    TransferError,
    detect_encoding,
    detect_format,
    open_table,
    sniff_delimiter,
)


def rows_of(path: Path, fmt: str | None = None) -> list[tuple[int, dict[str, object]]]:
    with open_table(path, detect_format(path, fmt)) as table:
        return [(row.line, row.values) for row in table.rows]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_utf8_with_bom_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "\ufeffNom;Fournisseur;Indice\r\nVarilux;Essilor;1,67\r\n")
    assert detect_encoding(path) == "utf-8-sig"
    assert rows_of(path) == [(2, {"nom": "Varilux", "fournisseur": "Essilor", "indice": "1,67"})]


def test_utf8_without_bom_commas_and_quoted_delimiter_and_newline(tmp_path: Path) -> None:
    text = 'name,supplier,index\n"Comfort, Max","Essi\nlor",1.6\nB,Hoya,1.5\n'
    path = write(tmp_path / "a.csv", text)
    assert detect_encoding(path) == "utf-8"
    rows = rows_of(path)
    assert rows[0] == (2, {"nom": "Comfort, Max", "fournisseur": "Essi\nlor", "indice": "1.6"})
    # The second record starts on physical line 4: the quoted newline used line 3.
    assert rows[1][0] == 4


def test_windows_1252_with_accents_and_tabs(tmp_path: Path) -> None:
    text = "Nom du verre\tMarque\tIndice\tMatériau\nSérénité\tBBGR\t1,5\tOrma\n"
    path = write(tmp_path / "a.txt", text, "cp1252")
    assert detect_encoding(path) == "cp1252"
    assert rows_of(path) == [
        (2, {"nom": "Sérénité", "fournisseur": "BBGR", "indice": "1,5", "materiau": "Orma"})
    ]


def test_excel_unicode_text_is_utf16_with_tabs(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "Nom\tFournisseur\tIndice\r\nÉclat\tZeiss\t1,6\r\n".encode("utf-16-le"))
    assert rows_of(path) == [(2, {"nom": "Éclat", "fournisseur": "Zeiss", "indice": "1,6"})]


def test_a_late_accent_still_decides_the_encoding(tmp_path: Path) -> None:
    lines = ["Nom;Fournisseur;Indice"] + [f"V{i};Hoya;1,5" for i in range(30_000)] + ["Précis;Hoya;1,6"]
    path = write(tmp_path / "a.csv", "\n".join(lines) + "\n", "cp1252")
    assert detect_encoding(path) == "cp1252"
    assert rows_of(path)[-1][1]["nom"] == "Précis"


def test_headers_match_in_any_order_case_and_accents_ignored(tmp_path: Path) -> None:
    header = "URL Gravure;ENGRAVING CODE;Hauteur max (mm);min height;SÉRIE;range;Matériau;Variant;INDEX;Supplier;Name;url source"
    row = "https://x.fr/a.png;AIPZ;20;14;Comfort;Varilux;Orma;Short;1,6;Essilor;Comfort Max;https://x.fr"
    path = write(tmp_path / "a.csv", f"{header}\n{row}\n")
    (_, values), = rows_of(path)
    assert values == {
        "url_gravure": "https://x.fr/a.png",
        "gravure_nasale": "AIPZ",
        "hauteur_max": "20",
        "hauteur_min": "14",
        "serie": "Comfort",
        "gamme": "Varilux",
        "materiau": "Orma",
        "variante": "Short",
        "indice": "1,6",
        "fournisseur": "Essilor",
        "nom": "Comfort Max",
        "url_source": "https://x.fr",
    }


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("nom", "nom"), ("Nom du verre", "nom"), ("name", "nom"), ("indice", "indice"),
        ("Index", "indice"), ("fournisseur", "fournisseur"), ("supplier", "fournisseur"),
        ("Marque", "fournisseur"), ("gamme", "gamme"), ("Range", "gamme"), ("série", "serie"),
        ("series", "serie"), ("matériau", "materiau"), ("material", "materiau"),
        ("variante", "variante"), ("variant", "variante"), ("Hauteur min.", "hauteur_min"),
        ("hauteur_min", "hauteur_min"), ("Min height", "hauteur_min"),
        ("Hauteur max", "hauteur_max"), ("gravure nasale", "gravure_nasale"),
        ("Engraving code", "gravure_nasale"), ("URL source", "url_source"),
        ("url_gravure", "url_gravure"), ("Prix", None),
    ],
)
def test_header_synonyms(header: str, field: str | None) -> None:
    assert field_of_header(header) == field


def test_header_key_drops_punctuation_and_units() -> None:
    assert header_key("  Hauteur   MIN. (en mm) ") == "hauteur min"


def test_missing_required_columns_are_named(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "Nom;Prix\nA;12\n")
    with pytest.raises(TransferError) as info:
        rows_of(path)
    assert "fournisseur, indice" in str(info.value)
    assert "« Prix »" in str(info.value)


def test_two_columns_for_one_field_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "Nom;Name;Fournisseur;Indice\nA;B;C;1,5\n")
    with pytest.raises(TransferError, match="« Nom » et « Name »"):
        rows_of(path)


def test_blank_rows_are_skipped_and_short_rows_padded(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "\n;;\nNom;Fournisseur;Indice;Variante\n\nA;Hoya;1,5\n;;;\n")
    assert rows_of(path) == [(5, {"nom": "A", "fournisseur": "Hoya", "indice": "1,5", "variante": None})]


def test_protected_formula_text_is_restored(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "Nom;Fournisseur;Indice;Gravure\n'=A1;'+33;1,5;'abc\n")
    (_, values), = rows_of(path)
    assert values["nom"] == "=A1" and values["fournisseur"] == "+33"
    assert values["gravure_nasale"] == "'abc"  # no formula character after it: kept


@pytest.mark.parametrize("text", ["=SUM(A1)", "+33 1", "-x", "@who", "plain", "'=kept"])
def test_formula_protection_round_trips(text: str) -> None:
    protected = protect_formula(text)
    assert not protected.startswith(("=", "+", "-", "@"))
    if not text.startswith("'"):
        assert unprotect_formula(protected) == text


@pytest.mark.parametrize(
    ("cell", "parts"),
    [
        ("1.5 - 1.6 - 1.67", ["1.5", "1.6", "1.67"]),
        ("1,5 - 1,6", ["1,5", "1,6"]),
        ("1.5/1.6", ["1.5", "1.6"]),
        ("1,5, 1,6", ["1,5", "1,6"]),
        ("1,67", ["1,67"]),
        ("-1,5", ["-1,5"]),
        (1.6, [1.6]),
        ("1.5 1.6", ["1.5", "1.6"]),
        ("un six", ["un six"]),
    ],
)
def test_a_cell_listing_indices_is_split(cell: object, parts: list[object]) -> None:
    assert split_indices(cell) == parts


def test_sniffing_prefers_the_header_delimiter() -> None:
    assert sniff_delimiter('"Nom, du verre";Indice;Fournisseur\n1,5') == ";"
    assert sniff_delimiter("Nom\tIndice\tFournisseur\n") == "\t"
    assert sniff_delimiter("Nom,Indice,Fournisseur\n") == ","


# ---------------------------------------------------------------- bad files


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "")
    with pytest.raises(TransferError, match="vide"):
        rows_of(path)


def test_binary_garbage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(bytes(range(256)) * 50)
    with pytest.raises(TransferError, match="binaires"):
        rows_of(path)


def test_undecodable_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"Nom;Fournisseur;Indice\nA\x81\x8d;B;1,5\n")
    with pytest.raises(TransferError, match="Encodage"):
        rows_of(path)


def test_a_workbook_named_csv_is_recognised(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.save(tmp_path / "a.csv")
    with pytest.raises(TransferError, match="classeur Excel"):
        rows_of(tmp_path / "a.csv")


def test_old_xls_and_unknown_extensions_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TransferError, match=".xls"):
        detect_format(tmp_path / "a.xls", None)
    with pytest.raises(TransferError, match="--format"):
        detect_format(tmp_path / "a.ods", None)


def test_a_100_mb_single_line_is_refused_in_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    block = ("Nom;" * 256).encode()
    with path.open("wb") as f:
        for _ in range(100 * 1024 * 1024 // len(block)):
            f.write(block)
    tracemalloc.start()
    try:
        with pytest.raises(TransferError, match="Ligne 1 .* trop longue"):
            rows_of(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 24 * 1024 * 1024


def test_an_unclosed_quote_is_reported_not_read_forever(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", 'Nom;Fournisseur;Indice\n"A;B;1,5\n' + "x;y;1,5\n" * 20_000)
    with pytest.raises(TransferError, match="Ligne .* illisible"):
        rows_of(path)


# ---------------------------------------------------------------- xlsx


def make_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_rows_keep_sheet_row_numbers_and_types(tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "a.xlsx",
        [
            ["Nom", "Fournisseur", "Indice", "Hauteur min", "Gravure"],
            ["Comfort", "Essilor", 1.67, 14, 25],
            [None, None, None, None, None],
            ["=1+1", "Hoya", "1,5 - 1,6", 14.0, "'=x"],
        ],
    )
    assert rows_of(path) == [
        (2, {"nom": "Comfort", "fournisseur": "Essilor", "indice": 1.67, "hauteur_min": 14, "gravure_nasale": "25"}),
        (4, {"nom": "=1+1", "fournisseur": "Hoya", "indice": "1,5 - 1,6", "hauteur_min": 14.0, "gravure_nasale": "=x"}),
    ]


def test_xlsx_with_a_wrong_declared_size_loses_no_row(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "a.xlsx", [["Nom", "Fournisseur", "Indice"], ["A", "B", 1.5], ["C", "D", 1.6]])
    import zipfile

    with zipfile.ZipFile(path) as source:
        items = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    items[sheet] = items[sheet].replace(b'<dimension ref="A1:C3"/>', b'<dimension ref="A1:C1"/>')
    with zipfile.ZipFile(path, "w") as target:
        for name, data in items.items():
            target.writestr(name, data)
    assert [line for line, _ in rows_of(path)] == [2, 3]


def test_damaged_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(TransferError, match="classeur Excel"):
        rows_of(path)


# ---------------------------------------------------------------- json


def test_json_list_of_objects(tmp_path: Path) -> None:
    items = [
        {"nom": "A", "fournisseur": "Hoya", "indice": 1.5, "image": "a.png"},
        {"nom": "B", "fournisseur": "Hoya", "indice": "1,6", "variante": None},
    ]
    path = write(tmp_path / "a.json", json.dumps(items, indent=2))
    assert rows_of(path) == [
        (1, {"nom": "A", "fournisseur": "Hoya", "indice": 1.5}),
        (2, {"nom": "B", "fournisseur": "Hoya", "indice": "1,6", "variante": None}),
    ]


def test_json_objects_larger_than_a_read_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("data.transfer.table.CHUNK_BYTES", 7)
    items = [{"nom": f"Verre {i} é", "fournisseur": "Hoya", "indice": 1.5} for i in range(50)]
    path = write(tmp_path / "a.json", json.dumps(items))
    assert [values["nom"] for _, values in rows_of(path)] == [f"Verre {i} é" for i in range(50)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"nom": "A"}', "liste d'objets"),
        ("[]", "aucun verre"),
        ('[{"nom": "A", "fournisseur": "B", "indice": 1.5},', "pas refermée"),
        ('[{"nom": "A", "fournisseur": "B", "indice": 1.5}] x', "après la fin"),
        ('[{"nom": "A", "fournisseur": "B", "indice": 1.5} {"nom": "B"}]', "virgule"),
        ('[{"nom": "A", "fournisseur": "B", "indice": 1.5}, 3]', "objet"),
        ('[{"nom": "A", "fournisseur": "B", "indice": }]', "mal formé"),
    ],
)
def test_bad_json_is_refused_with_its_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / "a.json", text)
    with pytest.raises(TransferError, match=message):
        rows_of(path)


@pytest.mark.parametrize("chunk", [7, 64, 1024 * 1024])
def test_json_lines_are_right_across_read_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """Each object's line, and the line of a syntax error, whatever the reads' sizes."""
    from data.transfer.readers import JsonObjects

    monkeypatch.setattr("data.transfer.table.CHUNK_BYTES", chunk)
    items = [{"nom": f"Verre\n{i}", "fournisseur": "Hoya", "indice": 1.5} for i in range(40)]
    text = json.dumps(items, indent=2)  # an object over 5 lines, "\n" inside a name escaped
    expected = [n + 1 for n, line in enumerate(text.split("\n")) if line == "  {"]
    path = write(tmp_path / "a.json", text)
    with path.open(encoding="utf-8", newline="") as stream:
        assert [line for line, _ in JsonObjects(stream, "a.json")] == expected
    # The last object loses a value: the message names the line where that object starts.
    broken = text.replace('"indice": 1.5\n  }\n]', '"indice": \n  }\n]')
    path = write(tmp_path / "b.json", broken)
    with pytest.raises(TransferError, match=f"ligne {expected[-1]} : élément incomplet"):
        rows_of(path)


def test_nested_json_values_are_problems(tmp_path: Path) -> None:
    path = write(tmp_path / "a.json", '[{"nom": ["A"], "fournisseur": "B", "indice": 1.5}]')
    with open_table(path, "json") as table:
        (row,) = list(table.rows)
    assert row.problems == [("nom", "valeur non prise en charge (liste ou objet imbriqué).")]


# ---------------------------------------------------------------- folding fast path


def _reference_clean(value: str) -> str:
    """The full rule: invisible format characters (Cf) dropped, other controls made spaces,
    white space folded."""
    return " ".join(
        "".join(
            "" if unicodedata.category(c) == "Cf" else " " if unicodedata.category(c).startswith("C") else c
            for c in value
        ).split()
    )


def _reference_fold(value: str) -> str:
    cleaned = _reference_clean(value)
    decomposed = unicodedata.normalize("NFKD", cleaned)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = re.sub(r"\s+", " ", stripped).strip()  # a spacing accent leaves its space
    return stripped.casefold().replace("œ", "oe").replace("æ", "ae")


@given(st.text())
@example("0\u00ad0")  # a soft hyphen inside a code: dropped, not a space
@example("¯")  # a spacing accent alone: nothing left
@example("A\u200bB\tC\x00")
def test_fold_fast_paths_give_the_full_rule(value: str) -> None:
    """Imports fold every name: the ASCII and printable shortcuts must not change the result."""
    assert fold(value) == _reference_fold(value)
    assert clean_text(value) == _reference_clean(value)
