"""Excel/CSV exchange of a product's lines: template, export and an all-or-nothing import.

The file's rows are ProductSpec lines; every problem is reported with its row and column, and the
caller stores nothing unless the whole file is valid.
"""
from __future__ import annotations

import csv
import io
import math
import zipfile
from dataclasses import dataclass, field

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from pydantic import ValidationError

from ..lca import flows
from ..lca.spec import STAGES, WATER_KINDS, Catalogue, Line as SpecLine, LineProblem, check_line
from .models import ALLOCATION_BASES, LINE_KINDS

COLUMNS = ("stage", "name", "kind", "reference", "amount", "unit", "annual_amount",
           "allocation_basis", "product_quantity", "plant_quantity", "units_per_year")
NUMBER_COLUMNS = {"amount", "annual_amount", "product_quantity", "plant_quantity",
                  "units_per_year"}
ALLOCATION_KEYS = ("annual_amount", "basis", "product_quantity", "plant_quantity",
                   "units_per_year")
MAX_ROWS = 5000
MAX_UNPACKED_BYTES = 50 * 2**20
SHEET = "Lines"


@dataclass(frozen=True)
class Issue:
    row: int  # 1-based as in the spreadsheet; 0 for the file itself
    column: str  # column name, or "" for the whole row/file
    code: str
    message: str  # English; `code` + `params` let the web layer translate
    params: dict = field(default_factory=dict)


class ImportRejected(ValueError):
    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("; ".join(i.message for i in issues))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def column_letter(name: str) -> str:
    return get_column_letter(COLUMNS.index(name) + 1) if name in COLUMNS else ""


def line_row(line: dict) -> list:
    """A ProductSpec line as a spreadsheet row."""
    kind = next(k for k in LINE_KINDS if k in line)
    allocation = line.get("allocation") or {}
    return [line["stage"], line["name"], kind, line[kind], line.get("amount"), line["unit"],
            allocation.get("annual_amount"), allocation.get("basis"),
            allocation.get("product_quantity"), allocation.get("plant_quantity"),
            allocation.get("units_per_year")]


def export_xlsx(lines: list[dict], factors: list[dict] | None = None,
                instructions: list[tuple[str, str]] | None = None) -> bytes:
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
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_csv(lines: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for line in lines:
        writer.writerow(["" if v is None else safe_cell(v) for v in line_row(line)])
    return buffer.getvalue()


def read_rows(filename: str, data: bytes) -> list[tuple[int, list]]:
    """(row number, cells) of every non-empty data row; raises ImportRejected for a bad file."""
    lower = filename.lower()
    if lower.endswith(".csv"):
        rows = _csv_rows(data)
    elif lower.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    else:
        raise ImportRejected([Issue(0, "", "file_type",
                                    "the file must be an .xlsx workbook or a .csv file")])
    if not rows or [str(c or "").strip().lower() for c in rows[0][1][:len(COLUMNS)]] \
            != list(COLUMNS):
        raise ImportRejected([Issue(1, "", "header", "the first row must be the header: "
                                    + ", ".join(COLUMNS), {"columns": ", ".join(COLUMNS)})])
    body = [(n, cells) for n, cells in rows[1:] if any(str(c or "").strip() for c in cells)]
    if len(body) > MAX_ROWS:
        raise ImportRejected([Issue(0, "", "too_many_rows", f"more than {MAX_ROWS} rows",
                                    {"max": MAX_ROWS})])
    return body


def _csv_rows(data: bytes) -> list[tuple[int, list]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:  # Excel on Chinese Windows saves CSV as GBK
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise ImportRejected([Issue(0, "", "encoding", "the CSV file is neither UTF-8 nor "
                                        "GBK text")]) from None
    try:
        return list(enumerate(csv.reader(io.StringIO(text)), start=1))
    except csv.Error as exc:
        raise ImportRejected([Issue(0, "", "malformed", f"the CSV file cannot be read: {exc}",
                                    {"detail": str(exc)})]) from None


def _xlsx_rows(data: bytes) -> list[tuple[int, list]]:
    try:
        unpacked = sum(item.file_size for item in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportRejected([Issue(0, "", "malformed", f"the workbook cannot be read: {exc}",
                                    {"detail": str(exc)})]) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportRejected([Issue(0, "", "too_large_unpacked", "the workbook unpacks to more "
                                    f"than {MAX_UNPACKED_BYTES // 2**20} MB",
                                    {"mb": MAX_UNPACKED_BYTES // 2**20})])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        # A stored <dimension> may understate the sheet; read every row that is there.
        sheet.reset_dimensions()
        rows = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, list(cells)))
            if number > MAX_ROWS + 1:
                break
        workbook.close()
    except Exception as exc:  # noqa: BLE001  an untrusted file may fail in any parser layer
        raise ImportRejected([Issue(0, "", "malformed", f"the workbook cannot be read: {exc}",
                                    {"detail": type(exc).__name__})]) from None
    return rows


def _text(value) -> str:
    text = "" if value is None else str(value).strip()
    # undo safe_cell: exported text that looked like a formula
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _number(value, column: str, row: int, issues: list[Issue]):
    if value is None or _text(value) == "":
        return None
    try:
        if isinstance(value, str) and "," in value:
            raise ValueError(value)  # "2,5" could be 2.5 or 25: refused, not guessed
        number = float(value)
    except (TypeError, ValueError):
        issues.append(Issue(row, column, "not_a_number", f"'{value}' is not a number",
                            {"value": str(value)}))
        return None
    if not math.isfinite(number):
        issues.append(Issue(row, column, "not_finite", "must be a finite number"))
        return None
    return number


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
    return line


# The names the Chinese interface shows, accepted in the stage and kind columns as well.
STAGE_NAMES_ZH = {"原材料与外购件": "materials", "上游运输": "inbound_transport",
                  "生产制造": "manufacturing", "包装": "packaging", "分销": "distribution",
                  "使用": "use", "废弃处置": "end_of_life"}
KIND_NAMES_ZH = {"因子": "factor", "排放因子": "factor", "直接排放": "emission", "水": "water"}

PYDANTIC_COLUMNS = {"basis": "allocation_basis", "factor": "reference", "emission": "reference",
                    "water": "reference"}


def check_rows(rows: list[tuple[int, list]], *, boundary: str, catalogue: Catalogue,
               custom_units: dict[str, str]) -> list[dict]:
    """ProductSpec lines for all rows, or ImportRejected listing every bad cell."""
    issues: list[Issue] = []
    lines = []
    for number, cells in rows:
        line = row_to_line(number, cells, issues)
        if line is None:
            continue
        try:
            check_line(SpecLine.model_validate(line), boundary, catalogue, custom_units)
        except ValidationError as exc:
            for error in exc.errors():
                name = str(error["loc"][-1]) if error["loc"] else "amount"
                column = PYDANTIC_COLUMNS.get(name, name if name in COLUMNS else "amount")
                issues.append(Issue(number, column, "invalid", error["msg"],
                                    {"detail": error["msg"]}))
            continue
        except LineProblem as problem:
            issues.append(Issue(number, problem.field, problem.code, str(problem),
                                problem.params))
            continue
        lines.append(line)
    if issues:
        raise ImportRejected(issues)
    if not lines:
        raise ImportRejected([Issue(0, "", "empty", "the file has no lines")])
    return lines


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
        ("", "The whole file is checked before anything is saved. / 全部行通过校验后才会保存。"),
    ]
