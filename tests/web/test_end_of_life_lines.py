"""A credit line (recycling or energy-recovery credit at end of life) follows the product's
end-of-life method wherever a line is saved: refused at once under cut-off, with the line and
the setting named, accepted under substitution; and a product keeping credit lines cannot be
switched to cut-off."""
import io

from openpyxl import Workbook
from sqlmodel import select

from footprint import db
from footprint.products import spreadsheet
from footprint.products.models import Line, Product
from tests.helpers import add_line

PRODUCT = {"name": "Desk fan", "model": "F1", "category": "appliance",
           "functional_unit": "1 piece", "reference_flow": "", "boundary": "cradle-to-grave",
           "site_id": "1"}
CREDIT = {"stage": "end_of_life", "name": "scrap aluminium to recycling",
          "factor": "recycling-al-credit-cn", "amount": "0.4", "unit": "kg"}


def edit_product(client, lock_version, **fields):
    return client.post("/products/1/edit", data={**PRODUCT, "lock_version": str(lock_version),
                                                 **fields})


def product_and_lines(app):
    with app.app_context():
        session = db.session()
        product = session.get(Product, 1)
        lines = session.exec(select(Line).where(Line.product_id == 1)).all()
        return product.end_of_life_method, product.lock_version, [l.reference for l in lines]


def test_a_credit_line_is_refused_when_saved_under_cut_off(client, applicant, app):
    assert edit_product(client, 1).status_code == 302  # cradle-to-grave, cut-off (the default)
    response = add_line(client, **CREDIT)
    assert response.status_code == 200  # the form again, nothing saved
    text = response.get_data(as_text=True)
    assert "&#39;recycling-al-credit-cn&#39; is a credit, and the product&#39;s end-of-life " \
           "method is cut-off" in text
    assert product_and_lines(app)[2] == []


def test_a_credit_line_is_accepted_under_substitution(client, applicant, app):
    assert edit_product(client, 1, end_of_life_method="substitution").status_code == 302
    assert add_line(client, **CREDIT).status_code == 302
    assert product_and_lines(app) == ("substitution", 2, ["recycling-al-credit-cn"])


def test_a_spreadsheet_credit_row_follows_the_method(client, applicant, app):
    def upload():
        book = Workbook()
        sheet = book.active
        sheet.append(list(spreadsheet.COLUMNS))
        row = {"stage": "end_of_life", "name": CREDIT["name"], "kind": "factor",
               "reference": CREDIT["factor"], "amount": 0.4, "unit": "kg"}
        sheet.append([row.get(column) for column in spreadsheet.COLUMNS])
        buffer = io.BytesIO()
        book.save(buffer)
        return client.post("/products/1/import", data={
            "mode": "append", "file": (io.BytesIO(buffer.getvalue()), "lines.xlsx")},
            content_type="multipart/form-data")

    assert edit_product(client, 1).status_code == 302
    refused = upload()
    assert refused.status_code == 400
    assert "end-of-life method is cut-off" in refused.get_data(as_text=True)
    assert edit_product(client, 2, end_of_life_method="substitution").status_code == 302
    assert upload().status_code == 302
    assert product_and_lines(app)[2] == ["recycling-al-credit-cn"]


def test_switching_to_cut_off_is_refused_while_a_credit_line_stays(client, applicant, app):
    assert edit_product(client, 1, end_of_life_method="substitution").status_code == 302
    assert add_line(client, **CREDIT).status_code == 302
    _, lock_version, _ = product_and_lines(app)
    response = edit_product(client, lock_version, end_of_life_method="cut-off")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "scrap aluminium to recycling" in text and "cut-off" in text
    assert product_and_lines(app)[0] == "substitution"


def test_under_cff_a_credit_line_is_refused_and_so_is_switching_with_one(client, applicant,
                                                                          app):
    assert edit_product(client, 1, end_of_life_method="cff").status_code == 302
    response = add_line(client, **CREDIT)
    assert response.status_code == 200
    assert "is a credit line, and the product&#39;s end-of-life method is the Circular " \
           "Footprint Formula" in response.get_data(as_text=True)
    assert edit_product(client, 2, end_of_life_method="substitution").status_code == 302
    assert add_line(client, **CREDIT).status_code == 302
    _, lock_version, _ = product_and_lines(app)
    response = edit_product(client, lock_version, end_of_life_method="cff")
    assert response.status_code == 200
    assert "these lines are credit lines: &#39;scrap aluminium to recycling&#39;" in \
        response.get_data(as_text=True)
    assert product_and_lines(app)[0] == "substitution"
