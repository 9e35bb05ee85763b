"""Excel/CSV template, export and import of a product's lines."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_number, gettext as _, lazy_gettext as _l
from flask_login import current_user

from ... import db
from ...lca.dataset import catalogue, load_factors
from ...products import operations, spreadsheet
from ...accounts.roles import Role
from ...access import Action
from ...products.models import Product
from ...products.specs import factor_columns, spec_line
from ..access import load, role_required
from ..downloads import XLSX, attachment
from ..labels import ERROR_MESSAGES
from . import bp

TEMPLATE_EXAMPLES = [
    {"stage": "materials", "name": "steel housing", "factor": "steel-cold-rolled",
     "amount": 2.5, "unit": "kg"},
    {"stage": "manufacturing", "name": "refrigerant leak", "emission": "HFC-134a",
     "amount": 1, "unit": "g"},
    {"stage": "manufacturing", "name": "plant electricity", "factor": "elec-cn-lca-2024",
     "unit": "kWh", "allocation": {"annual_amount": 1200000, "basis": "mass",
                                   "product_quantity": 300, "plant_quantity": 1000,
                                   "units_per_year": 50000}},
]
ISSUE_MESSAGES = {
    **ERROR_MESSAGES,
    "too_slow": _l("the file takes more than %(seconds)s s to read; split it into smaller files"),
    "part_too_large": _l("a part of the workbook (%(part)s) unpacks to more than %(mb)s MB"),
    "too_many_strings": _l("the workbook has more than %(max)s different texts"),
    "dataset_code": _l("'%(code)s' is a dataset factor code; choose another"),
    "duplicate_code": _l("'%(code)s' is in the sheet twice"),
    "factor_conflict": _l("the product already has a factor '%(code)s' with other values"),
    "file_type": _l("the file must be an .xlsx workbook or a .csv file"),
    "header": _l("the first row must be the header: %(columns)s"),
    "too_many_rows": _l("the file has more than %(max)s rows"),
    "encoding": _l("the CSV file is neither UTF-8 nor GBK text"),
    "malformed": _l("the file cannot be read (%(detail)s)"),
    "not_a_number": _l("'%(value)s' is not a number"),
    "unknown_kind": _l("kind must be one of %(kinds)s"),
    "empty": _l("the file has no lines"),
    "too_large_unpacked": _l("the workbook unpacks to more than %(mb)s MB"),
    "amount_and_annual": _l("give either amount or annual_amount, not both"),
    "allocation_without_annual": _l("allocation columns are filled but annual_amount is empty"),
    "not_yes_no": _l("'%(value)s' is neither yes nor no"),
}


def issue_text(issue: spreadsheet.Issue) -> str:
    template = ISSUE_MESSAGES.get(issue.code)
    try:
        message = str(template) % issue.params if template else issue.message
    except (KeyError, TypeError, ValueError):  # a message that needs params the issue lacks
        message = issue.message
    if issue.row and issue.column:
        text = _("Row %(row)s, column %(letter)s (%(column)s): %(message)s", row=issue.row,
                 letter=spreadsheet.column_letter(issue.column, issue.sheet),
                 column=issue.column, message=message)
    elif issue.row:
        text = _("Row %(row)s: %(message)s", row=issue.row, message=message)
    else:
        text = message
    if issue.sheet != spreadsheet.SHEET:
        text = _("Sheet %(sheet)s: %(problem)s", sheet=issue.sheet, problem=text)
    return text


def issue_texts(issues: list[spreadsheet.Issue]) -> list[str]:
    """The first MAX_SHOWN_ISSUES problems, then how many more there are."""
    shown = [issue_text(i) for i in issues[:spreadsheet.MAX_SHOWN_ISSUES]]
    more = len(issues) - spreadsheet.MAX_SHOWN_ISSUES
    if more > 0:
        shown.append(_("and %(count)s more", count=format_number(more)))
    return shown


@bp.get("/template.xlsx")
@role_required(Role.APPLICANT)
def template():
    factors = [f.public() for f in load_factors().values()]
    data = spreadsheet.export_xlsx(TEMPLATE_EXAMPLES, factors, spreadsheet.instruction_rows(),
                                   supplier_factors=[])
    return attachment(data, XLSX, "lines-template.xlsx")


@bp.get("/<int:product_id>/lines.<any(xlsx, csv):fmt>")
@role_required(Role.APPLICANT)
def export_lines(product_id: int, fmt: str):
    product = load(Product, product_id)
    lines = [spec_line(l) for l in operations.lines_of(db.session(), product.id)]
    filename = f"product-{product.id}-v{product.version}-lines.{fmt}"
    if fmt == "csv":  # lines only: the import page says so
        return attachment(spreadsheet.export_csv(lines), "text/csv", filename)
    used = {line["factor"] for line in lines if "factor" in line}
    factors = [factor_columns(f) for f in operations.factors_of(db.session(), product.id)
               if f.code in used]
    return attachment(spreadsheet.export_xlsx(lines, instructions=spreadsheet.instruction_rows(),
                                              supplier_factors=factors), XLSX, filename)


@bp.route("/<int:product_id>/import", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def import_lines(product_id: int):
    product = load(Product, product_id, Action.EDIT)
    existing = len(operations.lines_of(db.session(), product.id))
    mode = "replace" if request.form.get("mode") == "replace" else "append"
    problems: list[str] = []
    if request.method == "POST":
        upload = request.files.get("file")
        if mode == "replace" and existing and not request.form.get("confirm_replace"):
            problems.append(_("Tick the box to confirm that the %(count)s existing lines are "
                              "removed, or choose to keep them.", count=existing))
        if upload is None or not upload.filename:
            problems.append(_("Choose a file to upload."))
        else:
            try:
                content = spreadsheet.read_upload(upload.filename, upload.read())
                own = {f.code: factor_columns(f)
                       for f in operations.factors_of(db.session(), product.id)}
                lines, factors = spreadsheet.check_upload(
                    content, boundary=product.boundary,
                    end_of_life_method=product.end_of_life_method, catalogue=catalogue(),
                    existing_factors=own)
            except spreadsheet.ImportRejected as rejected:
                problems += issue_texts(rejected.issues)
            else:
                if not problems:
                    operations.replace_lines(db.session(), current_user, product, lines,
                                             append=mode == "append", factors=factors)
                    db.session().commit()
                    flash(_("%(count)s lines imported.", count=len(lines)), "success")
                    return redirect(url_for(".show", product_id=product.id))
    return render_template("products/import.html", product=product, problems=problems,
                           mode=mode, existing=existing), (400 if problems else 200)

