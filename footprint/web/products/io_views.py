"""Excel/CSV template, export and import of a product's lines."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_babel import gettext as _, lazy_gettext as _l

from ... import db
from ...lca.dataset import catalogue, load_factors
from ...products import operations, spreadsheet
from ...accounts.roles import Role
from ...access import Action
from ...products.models import Product
from ...products.specs import spec_line
from ..access import load, role_required
from ..downloads import XLSX, attachment
from ..labels import PROBLEM_MESSAGES, validation_message
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
    **PROBLEM_MESSAGES,
    "file_type": _l("the file must be an .xlsx workbook or a .csv file"),
    "header": _l("the first row must be the header: %(columns)s"),
    "too_many_rows": _l("the file has more than %(max)s rows"),
    "encoding": _l("the CSV file is neither UTF-8 nor GBK text"),
    "malformed": _l("the file cannot be read (%(detail)s)"),
    "not_a_number": _l("'%(value)s' is not a number"),
    "not_finite": _l("must be a finite number"),
    "unknown_kind": _l("kind must be one of %(kinds)s"),
    "empty": _l("the file has no lines"),
    "too_large_unpacked": _l("the workbook unpacks to more than %(mb)s MB"),
    "amount_and_annual": _l("give either amount or annual_amount, not both"),
    "allocation_without_annual": _l("allocation columns are filled but annual_amount is empty"),
}


def issue_text(issue: spreadsheet.Issue) -> str:
    template = ISSUE_MESSAGES.get(issue.code)
    if issue.code == "invalid":
        message = validation_message(issue.params["detail"])
    else:
        message = str(template) % issue.params if template else issue.message
    if issue.row and issue.column:
        return _("Row %(row)s, column %(letter)s (%(column)s): %(message)s", row=issue.row,
                 letter=spreadsheet.column_letter(issue.column), column=issue.column,
                 message=message)
    if issue.row:
        return _("Row %(row)s: %(message)s", row=issue.row, message=message)
    return message


@bp.get("/template.xlsx")
@role_required(Role.APPLICANT)
def template():
    factors = [f.public() for f in load_factors().values()]
    data = spreadsheet.export_xlsx(TEMPLATE_EXAMPLES, factors, spreadsheet.instruction_rows())
    return attachment(data, XLSX, "lines-template.xlsx")


@bp.get("/<int:product_id>/lines.<any(xlsx, csv):fmt>")
@role_required(Role.APPLICANT)
def export_lines(product_id: int, fmt: str):
    product = load(Product, product_id)
    lines = [spec_line(l) for l in operations.lines_of(db.session(), product.id)]
    filename = f"product-{product.id}-v{product.version}-lines.{fmt}"
    if fmt == "csv":
        return attachment(spreadsheet.export_csv(lines), "text/csv", filename)
    return attachment(spreadsheet.export_xlsx(lines, instructions=spreadsheet.instruction_rows()),
                      XLSX, filename)


@bp.route("/<int:product_id>/import", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def import_lines(product_id: int):
    product = load(Product, product_id, Action.EDIT)
    problems: list[str] = []
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            problems = [_("Choose a file to upload.")]
        else:
            try:
                rows = spreadsheet.read_rows(upload.filename, upload.read())
                custom = {f.code: f.unit for f in operations.factors_of(db.session(), product.id)}
                lines = spreadsheet.check_rows(rows, boundary=product.boundary,
                                               catalogue=catalogue(), custom_units=custom)
            except spreadsheet.ImportRejected as rejected:
                problems = [issue_text(i) for i in rejected.issues]
            else:
                operations.replace_lines(db.session(), current_user, product, lines,
                                         append=request.form.get("mode") == "append")
                db.session().commit()
                flash(_("%(count)s lines imported.", count=len(lines)), "success")
                return redirect(url_for(".show", product_id=product.id))
    return render_template("products/import.html", product=product, problems=problems), \
        (400 if problems else 200)

