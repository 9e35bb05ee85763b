"""The CFP study report of a stored assessment: contents, and who may download it."""
import io

from pypdf import PdfReader

from tests.helpers import add_line, login
from tests.web.test_assessments import calculate, setup_lines


def report_text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)


def test_the_report_has_stages_and_carbon_parts_apart(client, applicant):
    setup_lines(client)
    add_line(client, name="<script>x</script>", amount="1")
    calculate(client)
    response = client.get("/assessments/1/report.pdf")
    assert response.headers["Content-Disposition"] == \
        "attachment; filename=cfp-report-assessment-1.pdf"
    text = report_text(response)
    for expected in ("产品碳足迹研究报告", "CFP study report", "Desk fan", "1 piece",
                     "原材料与外购件", "Raw materials and purchased parts", "生产制造",
                     "Manufacturing", "化石温室气体 Fossil GHG", "生物源 Biogenic",
                     "土地利用变化 Land-use change (dLUC)", "Credits", "steel-bof",
                     "elec-cn-lca-2024", "CN-CQ", "Land-use change (dLUC) emissions not assessed",
                     "<script>x</script>", "局限性", "Limitations"):
        assert expected in text, expected
    # 2.5 + 1 kg steel at 1.99 + 12 kWh at 0.5777: total 13.90; the materials stage 6.965
    assert "13.90" in text and "6.965" in text and "0.3228" in text


def test_the_assessment_page_links_the_report(client, applicant):
    setup_lines(client)
    calculate(client)
    assert "/assessments/1/report.pdf" in client.get("/assessments/1").get_data(as_text=True)


def test_a_certifier_gets_the_report_once_the_assessment_is_submitted(app, client, applicant,
                                                                       make_user):
    setup_lines(client)
    calculate(client)
    certifier = app.test_client()
    login(certifier, make_user("certifier"))
    assert certifier.get("/assessments/1/report.pdf").status_code == 404
    from footprint import db
    from footprint.certs.models import Application
    from footprint.timeutil import utcnow
    from sqlalchemy import update

    with app.app_context():  # submitted: the application points at the assessment
        assert client.post("/applications/new", data={
            "criteria_key": "pcf-verification/2025.1", "product_id": 1}).status_code == 302
        db.session().execute(update(Application).values(assessment_id=1,
                                                        submitted_dt=utcnow()))
        db.session().commit()
    assert "Desk fan" in report_text(certifier.get("/assessments/1/report.pdf"))
    other = app.test_client()
    login(other, make_user("applicant"))
    assert other.get("/assessments/1/report.pdf").status_code == 404
