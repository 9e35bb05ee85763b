"""Excel/CSV template, export and the all-or-nothing import."""
import io
import re
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import select

from footprint import db
from footprint.lca.dataset import catalogue
from footprint.products import spreadsheet
from footprint.products.models import Line
from tests.helpers import add_line

HEADER = list(spreadsheet.COLUMNS)
GOOD = ["materials", "steel housing", "factor", "steel-bof", 2.5, "kg"]
GAS = ["manufacturing", "refrigerant leak", "emission", "HFC-134a", 1, "g"]


def workbook(*rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Lines"
    for row in (HEADER, *rows):
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def check(filename, data, boundary="cradle-to-gate"):
    rows = spreadsheet.read_rows(filename, data)
    return spreadsheet.check_rows(rows, boundary=boundary, end_of_life_method="cut-off",
                                  catalogue=catalogue(), custom_units={})


def issues(filename, data):
    with pytest.raises(spreadsheet.ImportRejected) as info:
        check(filename, data)
    return [(i.row, i.column, i.code) for i in info.value.issues]


def test_template_and_export_round_trip():
    lines = [{"stage": "materials", "name": "steel housing", "factor": "steel-bof",
              "amount": 2.5, "unit": "kg"},
             {"stage": "manufacturing", "name": "plant electricity", "factor": "elec-cn-lca-2024",
              "unit": "kWh", "allocation": {"annual_amount": 1200000.0, "basis": "mass",
                                            "product_quantity": 300.0, "plant_quantity": 1000.0,
                                            "units_per_year": 50000.0}}]
    data = spreadsheet.export_xlsx(lines, instructions=spreadsheet.instruction_rows())
    assert check("lines.xlsx", data) == lines
    assert check("lines.csv", spreadsheet.export_csv(lines).encode()) == lines
    assert load_workbook(io.BytesIO(data)).sheetnames == ["Lines", "Instructions"]


def test_every_bad_cell_is_reported_with_row_and_column():
    data = workbook(GOOD, ["materials", "x", "factor", "steel-bof", "lots", "kg"],
                    ["materials", "y", "factor", "steel-bof", 1, "kWh"],
                    ["assembly", "z", "factor", "steel-bof", 1, "kg"],
                    ["materials", "w", "factor", "nope", 1, "kg"],
                    ["materials", "v", "magic", "steel-bof", 1, "kg"],
                    GAS)
    assert issues("f.xlsx", data) == [
        (3, "amount", "not_a_number"), (4, "unit", "unit_mismatch"),
        (5, "stage", "unknown_stage"), (6, "reference", "unknown_factor"),
        (7, "kind", "unknown_kind")]
    assert spreadsheet.column_letter("unit") == "F"


@pytest.mark.parametrize("filename, data, code", [
    ("f.xlsx", b"PK\x03\x04 not really a zip", "malformed"),
    ("f.xlsx", b"plain text", "malformed"),
    ("f.csv", "stage;name\n".encode(), "header"),
    ("f.csv", b"\xff\xfe\x00bad", "encoding"),
    ("f.pdf", b"%PDF", "file_type"),
    ("f.csv", (",".join(HEADER) + "\n").encode(), "empty"),
])
def test_malformed_files_are_refused(filename, data, code):
    assert issues(filename, data)[0][2] == code


def test_import_with_a_bad_row_saves_nothing(client, applicant, app):
    add_line(client, name="existing line")
    data = workbook(GOOD, ["materials", "bad", "factor", "steel-bof", 1, "kWh"], GAS)
    response = client.post("/products/1/import", data={
        "file": (io.BytesIO(data), "lines.xlsx"), "mode": "replace"},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Row 3, column F (unit): unit &#39;kWh&#39; cannot be converted to &#39;t&#39;" in page
    with app.app_context():
        assert [l.name for l in db.session().exec(select(Line))] == ["existing line"]


def test_import_replaces_or_appends(client, applicant, app):
    add_line(client, name="existing line")
    for mode, expected in (("append", ["existing line", "steel housing", "refrigerant leak"]),
                           ("replace", ["steel housing", "refrigerant leak"])):
        response = client.post("/products/1/import", data={
            "file": (io.BytesIO(workbook(GOOD, GAS)), "lines.xlsx"), "mode": mode,
            "confirm_replace": "y"},
            content_type="multipart/form-data")
        assert response.status_code == 302
        with app.app_context():
            assert [l.name for l in db.session().exec(select(Line).order_by(Line.position))] \
                == expected


def test_oversized_upload_is_refused(client, applicant, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/products/1/import", data={
        "file": (io.BytesIO(b"x" * 4096), "big.csv")}, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "The file is too large" in response.get_data(as_text=True)


def test_downloads(client, applicant):
    add_line(client)
    template = client.get("/products/template.xlsx")
    assert template.status_code == 200
    book = load_workbook(io.BytesIO(template.data))
    assert book.sheetnames == ["Lines", "Instructions", "Factors", "SupplierFactors"]
    codes = [row[0] for row in book["Factors"].iter_rows(min_row=2, values_only=True)]
    assert "steel-bof" in codes and len(codes) == len(catalogue().factor_units)
    csv_text = client.get("/products/1/lines.csv").get_data(as_text=True)
    # five empty allocation cells, then the fifteen empty CFF parameters
    assert csv_text.splitlines()[1] == "materials,housing,factor,steel-bof,2.5,kg" + "," * 20


def test_formula_like_text_is_exported_inert_and_imported_back():
    lines = [{"stage": "materials", "name": '=HYPERLINK("http://evil.example","x")',
              "factor": "steel-bof", "amount": 1.0, "unit": "kg"}]
    sheet = load_workbook(io.BytesIO(spreadsheet.export_xlsx(lines)))["Lines"]
    assert sheet["B2"].data_type == "s" and sheet["B2"].value.startswith("'=")
    assert spreadsheet.export_csv(lines).splitlines()[1].startswith("materials,\"'=HYPERLINK")
    assert check("l.xlsx", spreadsheet.export_xlsx(lines)) == lines


def test_rows_beyond_a_stored_dimension_are_read():
    data = workbook(GOOD, GAS, ["materials", "third", "factor", "steel-bof", 1, "kg"])
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:K2"/>', parts[sheet])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    assert [line["name"] for line in check("f.xlsx", buffer.getvalue())] == [
        "steel housing", "refrigerant leak", "third"]


def test_corrupt_sheet_xml_is_a_clear_error():
    data = workbook(GOOD)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:200]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    assert issues("f.xlsx", buffer.getvalue())[0][2] == "malformed"


@pytest.mark.parametrize("row, column, code", [
    (["materials", "x", "factor", "steel-bof", "2,5", "kg"], "amount", "ambiguous_number"),
    (["materials", "x", "factor", "steel-bof", "2。5", "kg"], "amount", "ambiguous_number"),
    (["materials", "x", "factor", "steel-bof", "lots", "kg"], "amount", "not_a_number"),
    (["materials", "x", "factor", "steel-bof", 1e26, "kg"], "amount", "too_large"),
    (["materials", "x", "factor", "steel-bof", 1, "kg", 100, "units", 1, 2, 1],
     "annual_amount", "amount_and_annual"),
    (["materials", "x", "factor", "steel-bof", 1, "kg", None, "mass", 1, 2, 1],
     "annual_amount", "allocation_without_annual"),
])
def test_ambiguous_rows_are_refused(row, column, code):
    assert issues("f.xlsx", workbook(row)) == [(2, column, code)]


def test_workbook_that_unpacks_too_large_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("xl/sharedStrings.xml", b"0" * (spreadsheet.MAX_UNPACKED_BYTES + 1))
    assert issues("bomb.xlsx", buffer.getvalue()) == [(0, "", "too_large_unpacked")]


def test_gbk_csv_with_chinese_stage_and_kind_names():
    text = (",".join(HEADER) + "\n"
            + "原材料与外购件,钢外壳,因子,steel-bof,2.5,公斤\n"
            + "生产制造,制冷剂泄漏,直接排放,HFC-134a,1,克\n")
    assert check("lines.csv", text.encode("gbk")) == [
        {"stage": "materials", "name": "钢外壳", "unit": "公斤", "factor": "steel-bof",
         "amount": 2.5},
        {"stage": "manufacturing", "name": "制冷剂泄漏", "unit": "克", "emission": "HFC-134a",
         "amount": 1.0}]


def test_import_problems_are_translated(client, applicant):
    client.post("/language/zh")
    data = workbook(["materials", "x", "factor", "steel-bof", -1, "kg"])
    page = client.post("/products/1/import", data={"file": (io.BytesIO(data), "l.xlsx")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "第 2 行，E 列（amount）：" in page and "Value error" not in page
    assert "必须为有限数值" in page  # "must be a finite number, zero or more" in Chinese


def test_a_nul_character_in_a_cell_is_refused_with_its_cell(client, applicant, app):
    """PostgreSQL cannot store NUL in text; the spec refuses it for every entry point."""
    csv_text = ",".join(HEADER) + "\nmaterials,hou\x00sing,factor,steel-bof,2.5,kg\n"
    response = client.post("/products/1/import", data={
        "file": (io.BytesIO(csv_text.encode()), "lines.csv"), "mode": "append"},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Row 2, column B (name): contains a NUL character" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session().exec(select(Line)).all() == []
