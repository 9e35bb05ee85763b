"""Excel/CSV exchange of a product's lines: template, export and an all-or-nothing import.

The file's rows are ProductSpec lines; every problem is reported with its row and column, and the
caller stores nothing unless the whole file is valid. An .xlsx file may also carry the supplier
factors its lines use (sheet "SupplierFactors"); they are imported with the lines or not at all.

Reading is bounded, since the file is untrusted: at most MAX_ROWS rows are read (reading stops
there, it does not parse the rest), the parts read are capped in unpacked size and the shared
strings table in entries, the whole read has a deadline (PARSE_SECONDS), every problem quotes at
most an excerpt of a cell, and a caller shows at most the first MAX_SHOWN_ISSUES problems.
"""
from __future__ import annotations

import csv
import io
import time
import zipfile
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.packaging.relationship import get_dependents
from openpyxl.reader.workbook import WorkbookParser
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse
from pydantic import ValidationError

from ..lca import flows, numbers
from ..lca.numbers import excerpt
from ..lca.spec import (FORMULA_STARTS, STAGES, WATER_KINDS, Catalogue, CustomFactor,
                        Line as SpecLine, LineProblem, check_spec_line)
from ..lca.units import UnitError, conversion_factor
from .models import ALLOCATION_BASES, DATA_QUALITY_RATINGS, LINE_KINDS
from .specs import DATA_QUALITY_COLUMNS, FACTOR_COLUMNS as STORED_FACTOR_COLUMNS, spec_factor

# A material line's Circular Footprint Formula parameters (ProductSpec `cff`), optional: files
# written before them end at units_per_year, and empty cells mean "no CFF".
# The energy-recovery columns came later and are optional in the same way.
CFF_COLUMNS = ("cff_a", "cff_r1", "cff_r2", "cff_qsin_qp", "cff_qsout_qp", "cff_recycled",
               "cff_disposal", "cff_r3", "cff_b", "cff_lhv", "cff_xer_heat",
               "cff_xer_electricity", "cff_energy_recovery", "cff_heat", "cff_electricity")
CFF_NUMBER_COLUMNS = ("cff_a", "cff_r1", "cff_r2", "cff_qsin_qp", "cff_qsout_qp", "cff_r3",
                      "cff_b", "cff_lhv", "cff_xer_heat", "cff_xer_electricity")
COLUMNS = ("stage", "name", "kind", "reference", "amount", "unit", "annual_amount",
           "allocation_basis", "product_quantity", "plant_quantity", "units_per_year",
           *CFF_COLUMNS)
REQUIRED_COLUMNS = COLUMNS[:len(COLUMNS) - len(CFF_COLUMNS)]
NUMBER_COLUMNS = {"amount", "annual_amount", "product_quantity", "plant_quantity",
                  "units_per_year", *CFF_NUMBER_COLUMNS}
ALLOCATION_KEYS = ("annual_amount", "basis", "product_quantity", "plant_quantity",
                   "units_per_year")
FACTOR_COLUMNS = STORED_FACTOR_COLUMNS
# Files written before issue 9 have only these; the columns after them are optional (a header
# may stop after any of them) and empty cells take their defaults.
REQUIRED_FACTOR_COLUMNS = FACTOR_COLUMNS[:9]
FACTOR_NUMBER_COLUMNS = ("co2e_fossil", "co2e_biogenic", "co2e_land_use", "water_m3",
                         "co2_biogenic_removal")
# empty = None (not stated, no own range, not rated)
FACTOR_OPTIONAL_NUMBERS = ("biogenic_carbon_kg", "gsd", *DATA_QUALITY_COLUMNS.values())
YES = {"true", "yes", "y", "1", "是", "x", "✓"}
NO = {"false", "no", "n", "0", "否", ""}
MAX_ROWS = 5000
MAX_FACTOR_ROWS = 1000
MAX_UNPACKED_BYTES = 50 * 2**20  # the whole workbook
MAX_SHEET_BYTES = 16 * 2**20  # one sheet read (5,000 rows of 11 cells take 1 to 5 MB)
MAX_PART_BYTES = 2**20  # workbook.xml and relationship parts
MAX_SHARED_STRINGS_BYTES = 8 * 2**20
# 5,000 lines have at most about 6 distinct texts each (name, reference, ...; stage, kind and
# unit repeat), the SupplierFactors sheet 1,000 x 5, the template's Factors sheet 162 x 7.
MAX_SHARED_STRINGS = 40_000
PARSE_SECONDS = 5.0
MAX_SHOWN_ISSUES = 50
EXCERPT = 40  # characters of a cell quoted in a message
SHEET = "Lines"
FACTOR_SHEET = "SupplierFactors"


@dataclass(frozen=True)
class Issue:
    row: int  # 1-based as in the spreadsheet; 0 for the file itself
    column: str  # column name, or "" for the whole row/file
    code: str
    message: str  # English; `code` + `params` let the web layer translate
    params: dict = field(default_factory=dict)
    sheet: str = SHEET  # SHEET or FACTOR_SHEET

    def __post_init__(self):
        # A cell may hold 100,000 characters: quote an excerpt only, never the cell. ("columns"
        # is the expected header, ours and short.)
        object.__setattr__(self, "params", {
            k: excerpt(v, EXCERPT) if isinstance(v, str) and k != "columns" else v
            for k, v in self.params.items()})
        object.__setattr__(self, "message", excerpt(self.message, 4 * EXCERPT))


class ImportRejected(ValueError):
    def __init__(self, issues: list[Issue]):
        self.issues = issues
        shown = "; ".join(i.message for i in issues[:MAX_SHOWN_ISSUES])
        more = len(issues) - MAX_SHOWN_ISSUES
        super().__init__(shown + (f"; and {more} more" if more > 0 else ""))


def safe_cell(value):
    """The one escape of every text cell of every export (CSV/formula injection).

    Text that a spreadsheet would run as a formula (= + - @ tab CR first, also after leading
    spaces) gets a leading apostrophe; numbers and other values pass unchanged.
    """
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    """A row for csv.writer: every cell through safe_cell, None as an empty cell."""
    return ["" if v is None else safe_cell(v) for v in values]


def column_letter(name: str, sheet: str = SHEET) -> str:
    columns = FACTOR_COLUMNS if sheet == FACTOR_SHEET else COLUMNS
    return get_column_letter(columns.index(name) + 1) if name in columns else ""


def line_row(line: dict) -> list:
    """A ProductSpec line as a spreadsheet row."""
    kind = next(k for k in LINE_KINDS if k in line)
    allocation = line.get("allocation") or {}
    return [line["stage"], line["name"], kind, line[kind], line.get("amount"), line["unit"],
            allocation.get("annual_amount"), allocation.get("basis"),
            allocation.get("product_quantity"), allocation.get("plant_quantity"),
            allocation.get("units_per_year"),
            *[(line.get("cff") or {}).get(column.removeprefix("cff_")) for column in CFF_COLUMNS]]


def factor_row(factor: dict) -> list:
    """Supplier-factor columns (products.specs.factor_columns) as a spreadsheet row."""
    return [factor.get(key) for key in FACTOR_COLUMNS]


def export_xlsx(lines: list[dict], factors: list[dict] | None = None,
                instructions: list[tuple[str, str]] | None = None,
                supplier_factors: list[dict] | None = None) -> bytes:
    """Lines; with `supplier_factors` (may be empty) a SupplierFactors sheet the import reads."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in lines:
        sheet.append([safe_cell(v) for v in line_row(line)])
    for index, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 18 if name != "name" else 30
    if instructions:
        notes = workbook.create_sheet("Instructions")
        for row in instructions:
            notes.append(list(row))
        notes.column_dimensions["A"].width = 28
        notes.column_dimensions["B"].width = 110
    if factors:
        listing = workbook.create_sheet("Factors")
        listing.append(["code", "name_zh", "name_en", "unit", "year", "geography", "source"])
        for factor in factors:
            listing.append([safe_cell(factor[key]) for key in (
                "code", "name_zh", "name_en", "unit", "year", "geography", "source")])
    if supplier_factors is not None:
        own = workbook.create_sheet(FACTOR_SHEET)
        own.append(list(FACTOR_COLUMNS))
        for cell in own[1]:
            cell.font = Font(bold=True)
        for factor in supplier_factors:
            own.append([safe_cell(v) for v in factor_row(factor)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_csv(lines: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for line in lines:
        writer.writerow(safe_row(line_row(line)))
    return buffer.getvalue()


@dataclass
class Upload:
    lines: list[tuple[int, list]]  # (row number, cells) of the non-empty data rows
    factors: list[tuple[int, list]] = field(default_factory=list)  # SupplierFactors, xlsx only


def read_rows(filename: str, data: bytes) -> list[tuple[int, list]]:
    """(row number, cells) of every non-empty data row; raises ImportRejected for a bad file."""
    return read_upload(filename, data).lines


def read_upload(filename: str, data: bytes) -> Upload:
    lower = filename.lower()
    deadline = time.monotonic() + PARSE_SECONDS
    if lower.endswith(".csv"):
        return Upload(_body(_csv_rows(data, deadline), COLUMNS, MAX_ROWS, SHEET, deadline,
                            required=len(REQUIRED_COLUMNS)))
    if lower.endswith(".xlsx"):
        return _xlsx_upload(data, deadline)
    raise ImportRejected([Issue(0, "", "file_type",
                                "the file must be an .xlsx workbook or a .csv file")])


def _too_slow(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise ImportRejected([Issue(0, "", "too_slow", "the file takes more than "
                                    f"{PARSE_SECONDS:g} s to read; split it into smaller files",
                                    {"seconds": f"{PARSE_SECONDS:g}"})])


def _body(rows, columns: tuple, cap: int, sheet: str, deadline: float,
          required: int | None = None) -> list:
    """Header check, then the non-empty rows; stops reading as soon as there are too many.
    With `required`, the header may stop after any column from the `required`-th on (older
    files lack the later, optional columns)."""
    rows = iter(rows)
    first = next(rows, None)
    header = [str(c or "").strip().lower() for c in first[1][:len(columns)]] if first else []
    while header and not header[-1]:
        header.pop()
    if first is None or header != list(columns[:max(len(header), required or len(columns))]):
        raise ImportRejected([Issue(1, "", "header", "the first row must be the header: "
                                    + ", ".join(columns), {"columns": ", ".join(columns)},
                                    sheet)])
    body = []
    for number, cells in rows:
        _too_slow(deadline)
        cells = list(cells[:len(columns)])
        if any(str(c if c is not None else "").strip() for c in cells):
            body.append((number, cells))
            if len(body) > cap:
                raise ImportRejected([Issue(0, "", "too_many_rows", f"more than {cap} rows",
                                            {"max": cap}, sheet)])
    return body


def _csv_rows(data: bytes, deadline: float):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:  # Excel on Chinese Windows saves CSV as GBK
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise ImportRejected([Issue(0, "", "encoding", "the CSV file is neither UTF-8 nor "
                                        "GBK text")]) from None
    reader = enumerate(csv.reader(io.StringIO(text)), start=1)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportRejected([Issue(0, "", "malformed", "the CSV file cannot be read: "
                                        f"{exc}", {"detail": str(exc)})]) from None
        yield row


def _malformed(exc: Exception) -> ImportRejected:
    return ImportRejected([Issue(0, "", "malformed", f"the workbook cannot be read: {exc}",
                                 {"detail": type(exc).__name__})])


def _xlsx_upload(data: bytes, deadline: float) -> Upload:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        sizes = {item.filename: item.file_size for item in archive.infolist()}
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportRejected([Issue(0, "", "malformed", f"the workbook cannot be read: {exc}",
                                    {"detail": str(exc)})]) from None
    if sum(sizes.values()) > MAX_UNPACKED_BYTES:
        raise ImportRejected([Issue(0, "", "too_large_unpacked", "the workbook unpacks to more "
                                    f"than {MAX_UNPACKED_BYTES // 2**20} MB",
                                    {"mb": MAX_UNPACKED_BYTES // 2**20})])
    try:
        sheets, strings_part = _workbook_parts(archive, sizes)
        lines_part = sheets.get(SHEET) or next(iter(sheets.values()), None)
        if lines_part is None:
            raise ValueError("no worksheet")
        for part, cap in ((lines_part, MAX_SHEET_BYTES),
                          (sheets.get(FACTOR_SHEET), MAX_SHEET_BYTES),
                          (strings_part, MAX_SHARED_STRINGS_BYTES)):
            if part and sizes.get(part, 0) > cap:
                raise ImportRejected([Issue(0, "", "part_too_large", f"a part of the workbook "
                                            f"({part}) unpacks to more than {cap // 2**20} MB",
                                            {"part": part, "mb": cap // 2**20})])
        strings = _shared_strings(archive, strings_part, deadline) if strings_part else []
        upload = Upload(_body(_sheet_rows(archive, lines_part, strings, len(COLUMNS)), COLUMNS,
                              MAX_ROWS, SHEET, deadline, required=len(REQUIRED_COLUMNS)))
        if FACTOR_SHEET in sheets:
            upload.factors = _body(_sheet_rows(archive, sheets[FACTOR_SHEET], strings,
                                               len(FACTOR_COLUMNS)), FACTOR_COLUMNS,
                                   MAX_FACTOR_ROWS, FACTOR_SHEET, deadline,
                                   required=len(REQUIRED_FACTOR_COLUMNS))
        return upload
    except ImportRejected:
        raise
    except Exception as exc:  # noqa: BLE001  an untrusted file may fail in any parser layer
        raise _malformed(exc) from None


def _workbook_parts(archive: zipfile.ZipFile, sizes: dict) -> tuple[dict[str, str], str | None]:
    """{sheet name: part path} and the shared strings part, from the workbook's relationships."""
    def small(name):
        if sizes.get(name, 0) > MAX_PART_BYTES:
            raise ValueError(f"{name} is too large")
        return name

    package_rels = get_dependents(archive, small("_rels/.rels"))
    workbook_part = next((r.target for r in package_rels
                          if r.Type.endswith("/officeDocument")), "xl/workbook.xml")
    parser = WorkbookParser(archive, small(workbook_part))
    parser.parse()
    sheets = {sheet.name: rel.target for sheet, rel in parser.find_sheets()}
    strings = next((r.target for r in parser.rels.values() if r.Type.endswith("/sharedStrings")),
                   None)
    return sheets, strings


def _shared_strings(archive: zipfile.ZipFile, part: str, deadline: float) -> list[str]:
    """The shared strings table, read with a cap on entries and the deadline (openpyxl's
    read-only loader parses the whole table before the first row: 150,000 strings took 7 s,
    most of it in openpyxl.cell.text.Text.from_tree, 4 times slower than the finds below).

    An entry's text is its <t>, or the <t> of each rich-text run <r>; phonetic runs are left out,
    as openpyxl does."""
    tag, t_tag, r_tag = (f"{{{SHEET_MAIN_NS}}}{name}" for name in ("si", "t", "r"))
    strings = []
    with archive.open(part) as source:
        for _, node in iterparse(source):
            if node.tag != tag:
                continue
            plain = node.find(t_tag)
            parts = [plain.text or ""] if plain is not None else []
            parts += [run.findtext(t_tag) or "" for run in node.findall(r_tag)]
            strings.append("".join(parts).replace("x005F_", ""))
            node.clear()
            if len(strings) > MAX_SHARED_STRINGS:
                raise ImportRejected([Issue(0, "", "too_many_strings", "the workbook has more "
                                            f"than {MAX_SHARED_STRINGS} different texts",
                                            {"max": MAX_SHARED_STRINGS})])
            if len(strings) % 1000 == 0:
                _too_slow(deadline)
    return strings


def _sheet_rows(archive: zipfile.ZipFile, part: str, strings: list, width: int):
    """(row number, the first `width` cells) of a sheet, streamed: nothing after the row where
    the caller stops is parsed, and a sheet without a <dimension> is not scanned first."""
    with archive.open(part) as source:
        parser = WorkSheetParser(source, strings, data_only=True)
        for number, cells in parser.parse():
            values = [None] * width
            for cell in cells:
                if 1 <= cell["column"] <= width:
                    values[cell["column"] - 1] = cell["value"]
            yield number, values


def _text(value) -> str:
    text = "" if value is None else str(value).strip()
    # undo safe_cell: exported text that looked like a formula
    return text[1:] if text.startswith("'") and text[1:].lstrip(" ").startswith(FORMULA_STARTS) \
        else text


def _number(value, column: str, row: int, issues: list[Issue], sheet: str = SHEET):
    """footprint.lca.numbers reads the cell: `2,5` (2.5 or 25?) is refused, not guessed."""
    if value is None or _text(value) == "":
        return None
    try:
        return numbers.parse(value)
    except numbers.NumberProblem as problem:
        issues.append(Issue(row, column, problem.code, str(problem), problem.params, sheet))
        return None


def row_to_line(number: int, cells: list, issues: list[Issue]) -> dict | None:
    values = dict(zip(COLUMNS, list(cells) + [None] * len(COLUMNS)))
    before = len(issues)
    numbers = {c: _number(values[c], c, number, issues) for c in NUMBER_COLUMNS}
    kind = _text(values["kind"])
    kind = KIND_NAMES_ZH.get(kind, kind.lower())
    if kind not in LINE_KINDS:
        issues.append(Issue(number, "kind", "unknown_kind", f"kind must be one of "
                            f"{', '.join(LINE_KINDS)}", {"kinds": ", ".join(LINE_KINDS)}))
    allocation_given = [c for c in ("product_quantity", "plant_quantity", "units_per_year")
                        if numbers[c] is not None] + (["allocation_basis"]
                                                      if _text(values["allocation_basis"]) else [])
    if numbers["amount"] is not None and numbers["annual_amount"] is not None:
        issues.append(Issue(number, "annual_amount", "amount_and_annual",
                            "give either amount or annual_amount, not both"))
    elif numbers["annual_amount"] is None and allocation_given:
        issues.append(Issue(number, "annual_amount", "allocation_without_annual",
                            "allocation columns are filled but annual_amount is empty"))
    if len(issues) > before:
        return None
    stage = _text(values["stage"])
    line = {"stage": STAGE_NAMES_ZH.get(stage, stage), "name": _text(values["name"]),
            "unit": _text(values["unit"]), kind: _text(values["reference"])}
    if numbers["annual_amount"] is not None:
        line["allocation"] = {"annual_amount": numbers["annual_amount"],
                              "basis": _text(values["allocation_basis"]),
                              "product_quantity": numbers["product_quantity"],
                              "plant_quantity": numbers["plant_quantity"],
                              "units_per_year": numbers["units_per_year"]}
    else:
        line["amount"] = numbers["amount"]
    cff = {column.removeprefix("cff_"): numbers[column] if column in CFF_NUMBER_COLUMNS
           else (_text(values[column]) or None) for column in CFF_COLUMNS}
    if any(value is not None for value in cff.values()):
        line["cff"] = {key: value for key, value in cff.items() if value is not None}
    return line


# The names the Chinese interface shows, accepted in the stage and kind columns as well.
STAGE_NAMES_ZH = {"原材料与外购件": "materials", "上游运输": "inbound_transport",
                  "生产制造": "manufacturing", "包装": "packaging", "分销": "distribution",
                  "使用": "use", "废弃处置": "end_of_life"}
KIND_NAMES_ZH = {"因子": "factor", "排放因子": "factor", "直接排放": "emission", "水": "water"}

PYDANTIC_COLUMNS = {"basis": "allocation_basis", "factor": "reference", "emission": "reference",
                    "water": "reference"}


def check_rows(rows: list[tuple[int, list]], *, boundary: str, end_of_life_method: str,
               catalogue: Catalogue, custom_units: dict[str, str]) -> list[dict]:
    """ProductSpec lines for all rows, or ImportRejected listing every bad cell."""
    issues: list[Issue] = []
    lines = []
    for number, cells in rows:
        line = row_to_line(number, cells, issues)
        if line is None:
            continue
        try:
            check_spec_line(SpecLine.model_validate(line), boundary, catalogue, custom_units,
                            end_of_life_method=end_of_life_method)
        except ValidationError as exc:
            for error in exc.errors():
                loc = error["loc"]
                name = str(loc[-1]) if loc else "amount"
                if loc and loc[0] == "cff":
                    name = f"cff_{name}" if f"cff_{name}" in COLUMNS else "cff_a"
                column = PYDANTIC_COLUMNS.get(name, name if name in COLUMNS else "amount")
                issues.append(_pydantic_issue(number, column, error, SHEET))
            continue
        except LineProblem as problem:
            # the CFF checks name the parameters as a whole: shown on their first column
            column = "cff_a" if problem.field == "cff" else problem.field
            issues.append(Issue(number, column, problem.code, str(problem), problem.params))
            continue
        lines.append(line)
    if issues:
        raise ImportRejected(issues)
    if not lines:
        raise ImportRejected([Issue(0, "", "empty", "the file has no lines")])
    return lines


def _pydantic_issue(row: int, column: str, error: dict, sheet: str) -> Issue:
    """A pydantic error as an issue with its type as the code (the web translates by it)."""
    return Issue(row, column, error["type"], error["msg"].removeprefix("Value error, "),
                 {k: v for k, v in (error.get("ctx") or {}).items()
                  if isinstance(v, (str, int, float))}, sheet)


def _yes_no(value, column: str, row: int, issues: list[Issue]) -> bool | None:
    """A checkbox cell: TRUE/FALSE, yes/no, 1/0, 是/否; None when empty."""
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text == "":
        return None
    if text in YES or text in NO:
        return text in YES
    issues.append(Issue(row, column, "not_yes_no", f"'{excerpt(text)}' is neither yes nor no",
                        {"value": excerpt(text)}, FACTOR_SHEET))
    return None


def _factor_columns(number: int, cells: list, issues: list[Issue]) -> dict:
    """One row of the SupplierFactors sheet as supplier-factor columns (products.specs)."""
    values = dict(zip(FACTOR_COLUMNS, list(cells) + [None] * len(FACTOR_COLUMNS)))
    data = {c: _text(values[c]) for c in ("code", "name", "unit", "water_region", "source")}
    for column in FACTOR_NUMBER_COLUMNS:
        value = _number(values[column], column, number, issues, FACTOR_SHEET)
        data[column] = 0.0 if value is None else value
    for column in FACTOR_OPTIONAL_NUMBERS:
        data[column] = _number(values[column], column, number, issues, FACTOR_SHEET)
    for column in DATA_QUALITY_COLUMNS.values():
        rating = data[column]
        if rating is not None and rating not in DATA_QUALITY_RATINGS:
            issues.append(Issue(number, column, "rating_out_of_range", "a rating is 1, 2 or 3",
                                {}, FACTOR_SHEET))
        data[column] = None if rating is None else int(rating)
    if data["biogenic_carbon_kg"] is not None and not data["biogenic_carbon_kg"] >= 0:
        issues.append(Issue(number, "biogenic_carbon_kg", "negative", "must be zero or more",
                            {}, FACTOR_SHEET))
    if data["gsd"] is not None and not data["gsd"] >= 1:
        issues.append(Issue(number, "gsd", "gsd_below_one", "a geometric standard deviation "
                            "is 1 or more", {}, FACTOR_SHEET))
    assessed = _yes_no(values["land_use_assessed"], "land_use_assessed", number, issues)
    # Files without the column (or with it empty) stated land use when they wrote a value
    # other than 0, as the migration of stored factors assumes too.
    data["land_use_assessed"] = (data["co2e_land_use"] != 0) if assessed is None else assessed
    data["water_region"] = data["water_region"] or "GLO"
    return data


def _spec_column(error: dict) -> str:
    """The sheet column of a CustomFactor validation error."""
    loc = [str(part) for part in error["loc"]]
    if "data_quality" in loc and loc[-1] in DATA_QUALITY_COLUMNS:
        return DATA_QUALITY_COLUMNS[loc[-1]]
    return loc[-1] if loc and loc[-1] in FACTOR_COLUMNS else "code"


def check_factors(rows: list[tuple[int, list]], *, catalogue: Catalogue,
                  existing: dict[str, dict], issues: list[Issue]) -> list[dict]:
    """Supplier factors (as stored columns) of the SupplierFactors sheet that the product does
    not have yet.

    A code the product already has is fine with the same values (skipped) and a row error with
    different ones; a dataset code or a code twice in the sheet is a row error. `existing` maps
    codes to their stored columns (products.specs.factor_columns).
    """
    new: dict[str, dict] = {}
    for number, cells in rows:
        before = len(issues)
        data = _factor_columns(number, cells, issues)
        if len(issues) > before:
            continue
        try:
            checked = CustomFactor.model_validate(spec_factor(data)).model_dump()
        except ValidationError as exc:
            for error in exc.errors():
                issues.append(_pydantic_issue(number, _spec_column(error), error, FACTOR_SHEET))
            continue
        # The spec's cleaned values (stripped text) for the shared fields, the sheet's for the
        # optional ones the spec leaves out when empty.
        factor = {column: checked[column] if column in checked else data[column]
                  for column in FACTOR_COLUMNS}
        code = factor["code"]
        problem = None
        if code in catalogue.factor_units:
            problem = ("code", "dataset_code", f"'{code}' is a dataset factor code",
                       {"code": code})
        elif code in new:
            problem = ("code", "duplicate_code", f"'{code}' is in the sheet twice", {"code": code})
        # compared on the fields the product stores (the spec may carry more, e.g. gsd)
        elif code in existing and existing[code] != {k: factor.get(k) for k in existing[code]}:
            problem = ("code", "factor_conflict", f"the product already has a factor '{code}' "
                       "with other values", {"code": code})
        elif factor["water_region"] not in catalogue.water_regions:
            problem = ("water_region", "unknown_water_region",
                       f"unknown water region '{factor['water_region']}'",
                       {"region": factor["water_region"]})
        else:
            try:
                conversion_factor(factor["unit"], factor["unit"])
            except UnitError as exc:
                problem = ("unit", "unknown_unit", str(exc), {"unit": factor["unit"]})
        if problem:
            issues.append(Issue(number, problem[0], problem[1], problem[2], problem[3],
                                FACTOR_SHEET))
        elif code not in existing:
            new[code] = factor
    return list(new.values())


def check_upload(upload: Upload, *, boundary: str, end_of_life_method: str,
                 catalogue: Catalogue,
                 existing_factors: dict[str, dict]) -> tuple[list[dict], list[dict]]:
    """(lines, new supplier factors) of a whole file, or ImportRejected listing every problem of
    both sheets: lines may use the file's own factors, and nothing is stored unless all is valid."""
    issues: list[Issue] = []
    factors = check_factors(upload.factors, catalogue=catalogue, existing=existing_factors,
                            issues=issues)
    units = {code: f["unit"] for code, f in existing_factors.items()}
    units.update({f["code"]: f["unit"] for f in factors})
    try:
        lines = check_rows(upload.lines, boundary=boundary,
                           end_of_life_method=end_of_life_method, catalogue=catalogue,
                           custom_units=units)
    except ImportRejected as rejected:
        raise ImportRejected(issues + rejected.issues) from None
    if issues:
        raise ImportRejected(issues)
    return lines, factors


def instruction_rows() -> list[tuple[str, str]]:
    """Bilingual notes for the template's Instructions sheet."""
    return [
        ("column / 列", "meaning / 含义"),
        ("stage / 阶段", "one of: " + ", ".join(STAGES) + " / 或：" + "、".join(STAGE_NAMES_ZH)),
        ("name / 名称", "line name, e.g. steel housing / 行名称，例如 钢外壳"),
        ("kind / 类型", "factor / 因子 (dataset or supplier factor code / 因子代码), "
                        "emission / 直接排放 (gas / 气体), water / 水"),
        ("reference / 引用", "factor: a code from the Factors sheet or a supplier factor code; "
                             "emission: " + ", ".join(sorted(flows.GASES)) + "; water: "
                             + ", ".join(WATER_KINDS)),
        ("amount / 数量", "per functional unit (leave empty when the line is allocated) / 每功能单位的数量"),
        ("unit / 单位", "kg, g, t, kWh, MWh, 度, m3, L, t*km, kg*km, piece, GJ, MJ"),
        ("annual_amount / 年度总量", "plant-level total per year, to be allocated / 工厂年度总量（分配）"),
        ("allocation_basis / 分配依据", ", ".join(ALLOCATION_BASES)),
        ("product_quantity / 产品产量", "this product's annual output in the basis / 本产品的年度产出"),
        ("plant_quantity / 工厂产量", "the plant's annual output in the basis / 工厂的年度总产出"),
        ("units_per_year / 年功能单位数", "functional units of this product per year / 本产品每年的功能单位数"),
        ("", "amount per unit = annual_amount × product_quantity ÷ plant_quantity ÷ units_per_year"),
        ("SupplierFactors", "the product's own supplier factors used by the lines (code, name, "
                            "unit, co2e_fossil, co2e_biogenic, co2e_land_use, water_m3, "
                            "water_region, source); imported with the lines. A .csv file holds "
                            "lines only. / 本产品线路使用的供应商因子；与线路一并导入。CSV 文件只含线路。"),
        ("", "Optional SupplierFactors columns / 可选列: co2_biogenic_removal (kg CO2 taken up "
             "per unit / 每单位生物碳移除), biogenic_carbon_kg (kg C contained / 生物碳含量), "
             "land_use_assessed (yes/no; empty = yes when co2e_land_use is not 0 / 是否评估土地利用), "
             "gsd (>= 1), dq_technological, dq_temporal, dq_geographical (1 good .. 3 poor; "
             "empty = not rated / 数据质量评分)."),
        ("cff_a … cff_disposal / 循环足迹公式", "only under the product's end-of-life method "
                                             "cff, for a materials or packaging line: A (0.2-0.8, "
                                             "PEF Annex C), R1, R2, Qsin/Qp, Qsout/Qp (0-1), the "
                                             "factor code of the recycled material and of the "
                                             "disposal; empty = no CFF / 仅当产品报废方法为循环足迹"
                                             "公式时用于原材料或包装行；留空表示不用"),
        ("cff_r3 … cff_electricity / 能量回收", "the energy-recovery part of the same formula: "
                                              "R3 and B (0-1, B default 0), the lower heating "
                                              "value in MJ/kg, the heat and electricity "
                                              "efficiencies (0-1), the factor codes of the "
                                              "energy-recovery process (gross) and of the heat and "
                                              "electricity replaced / 循环足迹公式的能量回收部分"),
        ("", "Numbers: a dot for decimals, no thousands separators (1.5, 1500, 1e3). / "
             "数字：用小数点，不加千位分隔符（1.5、1500、1e3）。"),
        ("", "The whole file is checked before anything is saved. / 全部行通过校验后才会保存。"),
    ]
