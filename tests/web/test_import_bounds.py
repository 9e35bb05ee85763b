"""Spreadsheet import of untrusted files: bounded reading, bounded messages, the replace
confirmation, supplier factors travelling with the lines, and formula-safe exports."""
import csv
import io

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from footprint import db
from footprint.assessments.models import Assessment
from footprint.assessments.operations import content_hash
from footprint.products import spreadsheet
from footprint.products.models import Line, SupplierFactor
from tests.helpers import add_line
from tests.xlsxraw import build

HEADER = list(spreadsheet.COLUMNS)
GOOD = ["materials", "steel housing", "factor", "steel-bof", 2.5, "kg"]


def codes(data, filename="f.xlsx"):
    with pytest.raises(spreadsheet.ImportRejected) as info:
        spreadsheet.read_upload(filename, data)
    return [i.code for i in info.value.issues]


def post(client, data, product_id=1, filename="lines.xlsx", **form):
    return client.post(f"/products/{product_id}/import",
                       data={"file": (io.BytesIO(data), filename), **form},
                       content_type="multipart/form-data")


def test_long_cells_are_quoted_as_excerpts_and_the_list_is_bounded(client, applicant):
    # the finding: one 100,000-character shared string in 5,000 rows made a 500 MB error page;
    # here 200 rows (the page before the fix: 200 x 100,000 characters = 20 MB)
    long = "x" * 100_000
    data = build([HEADER] + [["materials", "n", "factor", long, 1.5, "kg"]] * 200)
    response = post(client, data, mode="append")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "unknown factor code &#39;" + "x" * 40 + "…&#39;" in page and "x" * 41 not in page
    assert page.count("<li>") == 51  # the first 50 problems, then "and 150 more" (200 - 50)
    assert "and 150 more" in page
    assert len(page) < 50_000


def test_reading_stops_at_the_row_cap(monkeypatch):
    # rows beyond the cap are never parsed: a corrupt tail after them does not matter
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 10)
    data = build([HEADER] + [GOOD] * 11, tail='<row r="99"><c r="A99" t="s"><v>0</v><<<')
    assert codes(data) == ["too_many_rows"]
    assert codes(build([HEADER] + [GOOD] * 10, tail="<<<")) == ["malformed"]  # tail is read


def test_shared_strings_table_is_capped(monkeypatch):
    # openpyxl's read-only loader parsed all 150,000 strings before the first row (7.7 s)
    monkeypatch.setattr(spreadsheet, "MAX_SHARED_STRINGS", 100)
    rows = [HEADER] + [["materials", f"line {i}", "factor", "steel-bof", 1, "kg"]
                       for i in range(120)]
    assert codes(build(rows)) == ["too_many_strings"]


def test_sheet_part_is_capped_in_unpacked_size(monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_SHEET_BYTES", 2000)
    assert codes(build([HEADER] + [GOOD] * 100)) == ["part_too_large"]


@pytest.mark.parametrize("filename, data", [
    ("f.xlsx", build([HEADER, GOOD, GOOD])),
    ("f.csv", (",".join(HEADER) + "\n" + "materials,a,factor,steel-bof,1,kg\n" * 3).encode()),
])
def test_reading_has_a_deadline(monkeypatch, filename, data):
    monkeypatch.setattr(spreadsheet, "PARSE_SECONDS", -1.0)  # already past
    assert codes(data, filename) == ["too_slow"]


def lines(app, product_id=1):
    with app.app_context():
        return [l.name for l in db.session().exec(
            select(Line).where(Line.product_id == product_id).order_by(Line.position))]


def test_failed_import_keeps_the_mode_and_replace_needs_confirmation(client, applicant, app):
    add_line(client, name="existing line")
    bad = build([HEADER, ["materials", "x", "factor", "nope", 1, "kg"]])
    page = post(client, bad, mode="append").get_data(as_text=True)
    assert 'value="append" checked' in page and 'value="replace" checked' not in page
    page = post(client, bad, mode="replace").get_data(as_text=True)
    assert 'value="replace" checked' in page
    assert "Replace them: the 1 existing lines are removed" in page
    good = build([HEADER, GOOD])
    response = post(client, good, mode="replace")  # no confirmation: nothing changes
    assert response.status_code == 400
    assert "Tick the box to confirm that the 1 existing lines are removed" in \
        response.get_data(as_text=True)
    assert lines(app) == ["existing line"]
    assert post(client, good, mode="replace", confirm_replace="y").status_code == 302
    assert lines(app) == ["steel housing"]
    page = client.get("/products/1/import").get_data(as_text=True)
    assert 'value="append" checked' in page  # the safe choice by default
    assert "A .csv file holds lines only" in page


FACTOR = {"code": "acme-pcb", "name": "PCB, supplier Acme", "unit": "piece",
          "co2e_fossil": "3.2", "co2e_biogenic": "0", "co2e_land_use": "0", "water_m3": "0.01",
          "water_region": "CN-CQ", "source": "supplier PCF"}


def new_product(client, name):
    client.post("/products/new", data={"name": name, "model": "", "category": "",
                                       "functional_unit": "1 piece", "reference_flow": "",
                                       "boundary": "cradle-to-gate", "site_id": "1"})


def factors(app, product_id):
    with app.app_context():
        return [(f.code, f.co2e_fossil) for f in db.session().exec(
            select(SupplierFactor).where(SupplierFactor.product_id == product_id))]


def test_xlsx_export_carries_supplier_factors_into_another_product(client, applicant, app):
    assert client.post("/products/1/factors/new", data=FACTOR).status_code == 302
    add_line(client, name="pcb", factor="acme-pcb", amount="2", unit="piece")
    exported = client.get("/products/1/lines.xlsx").data
    sheet = load_workbook(io.BytesIO(exported))["SupplierFactors"]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        list(spreadsheet.FACTOR_COLUMNS),
        ["acme-pcb", "PCB, supplier Acme", "piece", 3.2, 0, 0, 0.01, "CN-CQ", "supplier PCF",
         # issue 9: no biogenic removal, carbon content not stated, land use not assessed,
         # no GSD, not rated
         0, None, False, None, None, None, None]]
    new_product(client, "Fan 2")
    assert post(client, exported, product_id=2, mode="append").status_code == 302
    assert lines(app, 2) == ["pcb"] and factors(app, 2) == [("acme-pcb", 3.2)]
    # the same factor again (same values): fine, not doubled
    assert post(client, exported, product_id=2, mode="append").status_code == 302
    assert factors(app, 2) == [("acme-pcb", 3.2)] and lines(app, 2) == ["pcb", "pcb"]
    # other values under the same code: a row error, and nothing is stored
    new_product(client, "Fan 3")
    assert client.post("/products/3/factors/new",
                       data={**FACTOR, "co2e_fossil": "4"}).status_code == 302
    response = post(client, exported, product_id=3, mode="append")
    assert response.status_code == 400
    assert ("Sheet SupplierFactors: Row 2, column A (code): the product already has a factor "
            "&#39;acme-pcb&#39; with other values") in response.get_data(as_text=True)
    assert lines(app, 3) == [] and factors(app, 3) == [("acme-pcb", 4.0)]


def test_factor_sheet_rows_are_checked(client, applicant, app):
    book = load_workbook(io.BytesIO(spreadsheet.export_xlsx(
        [{"stage": "materials", "name": "pcb", "factor": "=evil", "amount": 1, "unit": "piece"}],
        supplier_factors=[
            {"code": "=evil", "name": "n", "unit": "piece", "co2e_fossil": 1, "co2e_biogenic": 0,
             "co2e_land_use": 0, "water_m3": 0, "water_region": "GLO", "source": "s"},
            {"code": "ok", "name": "n", "unit": "piece", "co2e_fossil": "1,5",
             "co2e_biogenic": 0, "co2e_land_use": 0, "water_m3": 0, "water_region": "GLO",
             "source": "s"},
            {"code": "steel-bof", "name": "n", "unit": "t", "co2e_fossil": 1, "co2e_biogenic": 0,
             "co2e_land_use": 0, "water_m3": 0, "water_region": "GLO", "source": "s"}])))
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(spreadsheet.ImportRejected) as info:
        from footprint.lca.dataset import catalogue
        with app.app_context():
            spreadsheet.check_upload(spreadsheet.read_upload("f.xlsx", buffer.getvalue()),
                                     boundary="cradle-to-gate", end_of_life_method="cut-off",
                                     catalogue=catalogue(), existing_factors={})
    assert [(i.sheet, i.row, i.column, i.code) for i in info.value.issues] == [
        ("SupplierFactors", 2, "code", "formula_like_code"),
        ("SupplierFactors", 3, "co2e_fossil", "ambiguous_number"),
        ("SupplierFactors", 4, "code", "dataset_code"),
        ("Lines", 2, "reference", "unknown_factor")]


def test_assessment_csv_escapes_every_text_cell(client, applicant, app):
    add_line(client)
    assert client.post("/products/1/calculate").status_code == 302
    with app.app_context():
        session = db.session()
        good = session.get(Assessment, 1)
        result = dict(good.result)
        result["lines"] = [{**good.result["lines"][0], "name": "@SUM(A1)",
                            "reference": '=HYPERLINK("http://evil.example","x")',
                            "unit": "+kg", "stage": "-materials"}]
        fields = {k: getattr(good, k) for k in ("organisation_id", "product_id", "user_id",
                                                "spec", "dataset_version",
                                                "carbon_total", "water_consumption_m3")}
        session.add(Assessment(**fields, result=result,
                               content_hash=content_hash(good.spec, result)))
        session.commit()
    rows = list(csv.reader(io.StringIO(client.get("/assessments/2.csv").get_data(as_text=True))))
    assert rows[1][:4] == ["'-materials", "'@SUM(A1)", "factor",
                           "'=HYPERLINK(\"http://evil.example\",\"x\")"]
    assert rows[1][5] == "'+kg"


def test_factor_library_csv_escapes_every_text_cell(client, monkeypatch):
    from footprint.lca.dataset import load_factors
    from footprint.web.factors import views

    real = next(iter(load_factors().values()))

    class Evil:
        code, name_zh, name_en, category = "=x", "=名", "@name", real.category

        def public(self):
            return {**real.public(), "code": self.code, "name_zh": self.name_zh,
                    "name_en": self.name_en, "notes": "-1+1", "source": "\tsrc"}

    monkeypatch.setattr(views, "matching", lambda query, category="": [Evil()])
    text = client.get("/factors/factors.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["code"], r["name_zh"], r["name_en"], r["notes"], r["source"]) for r in rows] == [
        ("'=x", "'=名", "'@name", "'-1+1", "'\tsrc")]


def test_rich_text_shared_strings_are_read():
    data = build([HEADER, ["materials", "RICH", "factor", "steel-bof", 1, "kg"]])
    import zipfile
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].replace(
        b"<si><t>RICH</t></si>",
        b"<si><r><t>steel </t></r><r><rPr><b/></rPr><t>housing</t></r>"
        b"<rPh sb=\"0\" eb=\"1\"><t>x</t></rPh></si>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    assert spreadsheet.read_rows("f.xlsx", buffer.getvalue())[0][1][1] == "steel housing"


def test_header_problem_names_every_column():
    issue = spreadsheet.Issue(1, "", "header", "...", {"columns": ", ".join(HEADER),
                                                        "value": "y" * 100})
    assert issue.params == {"columns": ", ".join(HEADER), "value": "y" * 40 + "…"}


@pytest.mark.parametrize("value, shown", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("  =x", "'  =x"), ("a=b", "a=b"), (-1.5, -1.5), (None, None)])
def test_safe_cell(value, shown):
    assert spreadsheet.safe_cell(value) == shown
