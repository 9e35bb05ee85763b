"""Findings of the new-user walk in Chinese and English: the factor picker, the factor library,
chart labels, time zones, comparisons, untranslated codes, the grid region, the header, the
favicon and confirmations."""
import re
from datetime import datetime, timezone

import pytest

from footprint.lca.dataset import load_factors
from tests.helpers import add_line


def codes(client, query, lang="en"):
    client.post(f"/language/{lang}")
    return [row["code"] for row in client.get("/factors/search.json",
                                              query_string={"q": query}).get_json()["factors"]]


@pytest.mark.parametrize("query, expected", [
    ("塑料", {"pp-cn", "pe-ld-cn-a", "pvc-ethylene-cn", "abs-cn"}),
    ("plastic", {"pp-cn", "pvc-carbide-cn"}),
    ("纸箱", {"paper-corrugating-medium-cn", "paper-containerboard-cn"}),
    ("carton", {"paper-corrugating-medium-cn", "paper-containerboard-cn"}),
    ("包装", {"paper-kraft-cn", "paper-containerboard-cn", "pe-ld-cn-a"}),
    ("packaging", {"paper-kraft-cn", "pe-ld-cn-a"}),
    ("aluminum", {"al-primary-cn", "al-recycled-cn"}),
    ("aluminium", {"al-primary-cn", "al-recycled-cn"}),
    ("fiber", {"pet-filament-virgin-cn"}),
    ("fibre", {"pet-filament-virgin-cn"}),
    ("钢", {"steel-cold-rolled", "steel-bof", "steel-stainless-austenitic-a"}),
    ("冷轧", {"steel-cold-rolled"}),
])
def test_picker_finds_synonyms_in_both_languages(client, query, expected):
    assert expected <= set(codes(client, query)), query


def test_picker_lists_life_cycle_before_inventory_only_factors(client):
    for query in ("电", "electricity", "grid 2023", "全国"):
        rows = client.get("/factors/search.json", query_string={"q": query}).get_json()["factors"]
        flags = [row["inventory_only"] for row in rows]
        assert flags and flags == sorted(flags), (query, flags)
        assert not flags[0], query
    assert codes(client, "electricity")[0].startswith("elec-cn-lca")


def test_every_term_pattern_names_a_factor_or_gas():
    """A misspelt pattern in datasets/search/factor_terms.csv would silently find nothing."""
    from fnmatch import fnmatchcase

    from footprint.lca.flows import GASES
    from footprint.web.factors.search import vocabulary

    terms, _ = vocabulary()
    factors = load_factors()
    for row in terms:
        for pattern in row.patterns:
            if pattern.startswith("gas:"):
                assert pattern[4:] in GASES, pattern
            else:
                assert any(fnmatchcase(code, pattern) for code in factors), pattern


@pytest.mark.parametrize("query", ["制冷剂", "refrigerant", "R134a", "冷媒"])
def test_refrigerant_search_points_to_the_direct_emission(client, query):
    for lang in ("en", "zh"):
        client.post(f"/language/{lang}")
        data = client.get("/factors/search.json", query_string={"q": query}).get_json()
        assert data["hint"] and "HFC-134a" in data["hint"]["gases"], (query, lang)
        page = client.get("/factors/", query_string={"q": query}).get_data(as_text=True)
        assert 'id="refrigerant-hint"' in page and "HFC-134a" in page
    assert client.get("/factors/search.json?q=steel").get_json()["hint"] is None


def test_picker_rows_carry_value_scope_and_confidence(client):
    row = next(r for r in client.get("/factors/search.json?q=steel-bof").get_json()["factors"]
               if r["code"] == "steel-bof")
    assert row["value"] == "1,990.00 kg CO2e / t"
    assert (row["scope"], row["scope_label"]) == ("cradle-to-gate", "Cradle to gate")
    assert {"unit", "scope", "scope_label", "confidence", "confidence_label",
            "inventory_only"} <= set(row)


def test_line_form_shows_the_chosen_factor_and_names_in_tables(client, applicant):
    add_line(client, factor="steel-cold-rolled", unit="t", amount="0.002")
    form = client.get("/products/1/lines/1/edit").get_data(as_text=True)
    info = re.search(r'<div class="factor-info[^"]*" id="factor-info"[^>]*>(.*?)</div>', form,
                     re.S)
    assert info and "Cold-rolled steel sheet and strip" in info.group(1)
    assert "kg CO2e / t" in info.group(1) and "Cradle to gate" in info.group(1)
    product = client.get("/products/1").get_data(as_text=True)
    assert "Cold-rolled steel sheet and strip" in product
    client.post("/products/1/calculate")
    result = client.get("/assessments/1").get_data(as_text=True)
    table = result[result.index('id="result-lines"'):]
    assert "Cold-rolled steel sheet and strip" in table
    client.post("/language/zh")
    assert "冷轧板带" in client.get("/products/1").get_data(as_text=True)


def test_factor_library_pages_keep_the_query(client):
    page = client.get("/factors/").get_data(as_text=True)
    assert page.count('<tr id="factor-') == 50
    assert 'href="/factors/?page=2"' in page
    filtered = client.get("/factors/?q=-&category=material").get_data(as_text=True)
    assert 'href="/factors/?q=-&amp;category=material&amp;page=2"' in filtered
    last = client.get("/factors/?q=-&category=material&page=99").get_data(as_text=True)
    assert 0 < last.count('<tr id="factor-') <= 50
    shown = set(re.findall(r'<tr id="factor-([^"]+)"', last))
    everything = set()
    for number in range(1, -(-len(load_factors()) // 50) + 1):
        everything |= set(re.findall(r'<tr id="factor-([^"]+)"', client.get(
            f"/factors/?page={number}").get_data(as_text=True)))
    assert len(everything) == len(load_factors()) and shown <= everything
    assert 'class="table-scroll"' in page


def test_factor_library_translates_categories_and_scopes(client):
    client.post("/language/zh")
    page = client.get("/factors/?q=elec-cq-co2-2023").get_data(as_text=True)
    row = page[page.index('id="factor-elec-cq-co2-2023"'):].split("</tr>")[0]
    assert "location-based CO2 only (inventory)" not in row and ">electricity<" not in row
    assert "co2_fossil" not in row and ">mirror<" not in row and ">primary<" not in row
    options = page[page.index('name="category"'):].split("</select>")[0]
    assert ">material<" not in options and ">electricity<" not in options


def test_every_dataset_scope_and_category_has_a_label():
    from footprint.web.labels import CATEGORY_LABELS, CONFIDENCE_LABELS, SCOPE_LABELS

    for factor in load_factors().values():
        assert factor.scope in SCOPE_LABELS, factor.scope
        assert factor.category in CATEGORY_LABELS, factor.category
        assert factor.confidence in CONFIDENCE_LABELS, factor.confidence


def test_chart_labels_are_measured_with_cjk_as_double_width():
    from footprint.assessments.charts import LABEL_UNITS, bar_chart, text_width, wrap

    assert text_width("钢a") == 3 and text_width("（0.8）") == 7
    chinese = "冷轧钢板外壳（喷粉，0.8毫米，宝钢供货，含边角料损耗）以及包装纸箱和托盘"
    lines = wrap(chinese)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(text_width(line) <= LABEL_UNITS for line in lines)
    # 32 Chinese characters are twice as wide as the column: the old cut at 32 characters let
    # them run over the bars
    svg = str(bar_chart([(chinese, 3.0)], unit="kg CO2e", title="t"))
    shown = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert shown == lines and all(text_width(s) <= LABEL_UNITS for s in shown)
    assert f"<title>{chinese}: 3.000 kg CO2e</title>" in svg  # the full label stays


def test_short_latin_labels_are_not_cut_and_stage_names_never_clipped():
    from footprint.assessments.charts import bar_chart

    latin = "Housing, cold-rolled steel 0.8 mm"  # 33 characters: fits the column
    svg = str(bar_chart([(latin, 1.0)], unit="kg CO2e", title="t"))
    assert re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg) == [latin]
    stage = "Raw materials and purchased parts, including a long explanation of the stage"
    svg = str(bar_chart([(stage, 1.0)], unit="kg CO2e", title="t", max_lines=None))
    shown = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert "…" not in "".join(shown) and " ".join(shown) == stage


def test_result_page_shows_whole_stage_names(client, applicant):
    add_line(client)
    client.post("/products/1/calculate")
    page = client.get("/assessments/1").get_data(as_text=True)
    chart = page[page.index("<svg"):page.index("</svg>")]
    assert "Raw materials and purchased parts" in " ".join(
        re.findall(r"<tspan[^>]*>([^<]*)</tspan>", chart))
    assert "…" not in chart


def test_datetime_filter_converts_utc_and_naive_values(app):
    from zoneinfo import ZoneInfo

    from footprint.web.formatting import local_datetime

    aware = datetime(2026, 3, 5, 8, 30, tzinfo=timezone.utc)
    naive = datetime(2026, 3, 5, 8, 30)  # as SQLite gives it back
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert local_datetime(aware) == local_datetime(naive)
        assert "4:30:00" in local_datetime(naive) and "PM" in local_datetime(naive)
        assert local_datetime(naive).endswith("(UTC+8)")
        assert local_datetime(naive, ZoneInfo("Asia/Kolkata")).endswith("(UTC+5:30)")
        assert "3:30:00\u202fAM" in local_datetime(naive, ZoneInfo("America/New_York"))
        assert local_datetime(naive, ZoneInfo("America/New_York")).endswith("(UTC-5)")
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert "16:30:00" in local_datetime(naive) and "2026年3月5日" in local_datetime(naive)


def test_pages_show_times_in_the_organisation_time_zone(client, applicant, app):
    from footprint import db
    from footprint.accounts.models import Organisation
    from footprint.assessments.models import Assessment
    from sqlalchemy import update

    add_line(client)
    client.post("/products/1/calculate")
    from footprint.audit import triggers

    with app.app_context():  # assessments are append-only: set the time with the guard lifted
        connection = db.session().connection()
        triggers.remove(connection)
        db.session().execute(update(Assessment).where(Assessment.id == 1).values(
            created_dt=datetime(2026, 3, 5, 23, 30, tzinfo=timezone.utc)))
        triggers.install_all(connection)
        db.session().commit()
        assert db.session().get(Organisation, 1).time_zone == "Asia/Shanghai"
    page = client.get("/assessments/1").get_data(as_text=True)
    assert "Mar 6, 2026, 7:30:00 AM (UTC+8)" in page.replace("\u202f", " ")
    with app.app_context():
        db.session().get(Organisation, 1).time_zone = "Europe/Berlin"
        db.session().commit()
    page = client.get("/products/1").get_data(as_text=True)
    assert "Mar 6, 2026, 12:30:00 AM (UTC+1)" in page.replace("\u202f", " ")


def _assessment(carbon_by_line: dict, *, id=1, version="v1"):
    from types import SimpleNamespace

    lines = [{"stage": "materials", "name": name, "kind": "factor", "reference": "steel-bof",
              "amount": amount, "unit": "kg", "carbon": carbon}
             for name, (amount, carbon) in carbon_by_line.items()]
    total = sum(l["carbon"] for l in lines)
    result = {"carbon": {"total": total, "fossil": total, "biogenic": 0.0, "land_use": 0.0,
                         "by_stage": {"materials": total}},
              "water": {"consumption_m3": 0.0, "scarcity_m3_world_eq": 0.0}, "lines": lines}
    return SimpleNamespace(id=id, result=result, dataset_version=version,
                           created_dt=datetime(2026, 3, 5, 8, id, tzinfo=timezone.utc))


def test_compare_ignores_floating_point_noise():
    from footprint.assessments.operations import compare

    before = _assessment({"housing": (1.0, 2.022), "motor": (0.5, 3.1)})
    # the same inputs summed in another order: 2.022 -> 2.0220000000000002
    after = _assessment({"housing": (1.0, 0.1 * 3 + 1.722), "motor": (0.5, 3.1)}, id=2)
    assert after.result["lines"][0]["carbon"] != 2.022
    diff = compare(before, after)
    assert [l["status"] for l in diff["lines"]] == ["same", "same"]
    assert all(l["delta"] == 0.0 for l in diff["lines"])
    assert diff["totals"]["carbon.total"]["delta"] == 0.0


def test_compare_page_shows_small_changes_with_enough_digits(app):
    from types import SimpleNamespace

    from flask import render_template

    from footprint.assessments.operations import compare

    before = _assessment({"housing": (1.0, 2.022), "motor": (0.5, 3.1)})
    after = _assessment({"housing": (1.0, 2.02201), "motor": (0.5, 3.1)}, id=2)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        page = render_template("assessments/compare.html", product=SimpleNamespace(
            id=1, name="Fan"), before=before, after=after, diff=compare(before, after))
    lines = page[page.index('id="compare-lines"'):]
    assert "housing" in lines and "motor" not in lines
    assert "2.022</td>" in lines and "2.02201</td>" in lines and "0.00001</td>" in lines


RAW_CODES = [
    r"cradle-to-gate", r"cradle-to-grave", r"inbound_transport", r"end_of_life",
    r"electricity_green", r"fuel_upstream", r"energy_other", r"co2e?_fossil", r"ch4_fossil",
    r"carbon\.total", r"carbon\.fossil", r"water\.consumption_m3", r"water\.scarcity",
    r"\bwithdrawal\b", r"\bdischarge\b", r"CO2 only \(inventory\)", r"life-cycle CO2e \(PCF\)",
    r"kWh generated \(PCF\)",
    r"combustion only,",
    # a stage, kind, category or confidence key as the whole text of an element
    r">\s*(materials|manufacturing|packaging|distribution|use|factor|emission|water|material|"
    r"electricity|fuel|transport|waste|primary|mirror|paper|derived)\s*<",
]


def visible(page: str) -> str:
    """The page's text and tag names: attributes and scripts removed."""
    page = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    return re.sub(r"<(/?[a-zA-Z0-9]+)(\s[^>]*)?>", r"<\1>", page)


def test_chinese_pages_show_no_raw_codes(client, applicant):
    client.post("/language/zh")
    add_line(client, name="钢壳")
    add_line(client, name="冷媒", kind="emission", gas="HFC-134a", unit="kg", amount="0.001")
    add_line(client, name="取水", stage="manufacturing", kind="water", water="withdrawal",
             unit="m3", amount="0.2")
    add_line(client, name="排水", stage="manufacturing", kind="water", water="discharge",
             unit="m3", amount="0.1")
    add_line(client, name="绿电", stage="manufacturing", factor="elec-green-pv", unit="kWh",
             amount="1")
    add_line(client, name="纸箱", stage="packaging", factor="paper-containerboard-cn",
             unit="kg", amount="0.3")
    client.post("/products/1/calculate")
    add_line(client, name="电", stage="manufacturing", factor="elec-cn-lca-2024", unit="kWh",
             amount="2")
    client.post("/products/1/calculate")
    urls = ["/products/", "/products/new", "/products/1", "/products/1/edit",
            "/products/1/lines/new", "/products/1/lines/3/edit", "/products/1/lines/5/edit",
            "/products/1/import", "/sites/", "/sites/new", "/sites/1/edit", "/factors/",
            "/factors/?page=2", "/factors/?page=3", "/factors/?page=4",
            "/factors/?category=electricity_green", "/assessments/1", "/assessments/2",
            "/products/1/compare?a=1&b=2"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert '<html lang="zh-CN">' in page, url
        for pattern in RAW_CODES:
            found = re.search(pattern, visible(page))
            assert not found, (url, found.group(0),
                               visible(page)[max(0, found.start() - 120):found.end() + 80])


def test_new_product_form_offers_the_localised_functional_unit(client, applicant):
    from footprint.lca.units import is_known

    client.post("/language/zh")
    page = client.get("/products/new").get_data(as_text=True)
    assert 'value="1 件"' in page and is_known("件")
    client.post("/language/en")
    assert 'value="1 piece"' in client.get("/products/new").get_data(as_text=True)


def test_site_pages_say_what_the_grid_region_really_sets(client, applicant):
    form = client.get("/sites/1/edit").get_data(as_text=True)
    assert "Sets the default grid electricity factor" not in form
    assert "water-scarcity (AWARE) region" in form
    row = form[form.index('id="region-CN-CQ"'):].split("</tr>")[0]
    assert "elec-cn-lca-2024" in row and "0.5777 kg CO2e + 0.001900 m³ H2O / kWh" in row
    assert "elec-cq-co2-2023" in row and "0.5581 kg CO2 / kWh" in row
    listing = client.get("/sites/").get_data(as_text=True)
    row = listing[listing.index("Liangjiang plant"):].split("</tr>")[0]
    assert "elec-cn-lca-2024" in row and "elec-cq-co2-2023" in row and "0.5581" in row


def test_line_form_electricity_hint_names_the_factor_used_and_the_regional_one(client, applicant):
    page = client.get("/products/1/lines/new").get_data(as_text=True)
    hint = page[page.index('id="electricity-hint"'):].split("</p>")[0]
    assert "elec-cn-lca-2024" in hint and "0.5777 kg CO2e + 0.001900 m³ H2O / kWh" in hint
    assert "elec-cq-co2-2023" in hint and "0.5581 kg CO2 / kWh" in hint
    assert "For information only" in hint


def test_removals_ask_through_data_confirm_and_work_without_script(client, applicant):
    add_line(client)
    client.post("/products/1/factors/new", data={
        "code": "acme-pcb", "name": "Acme PCB", "unit": "piece", "co2e_fossil": "3.2",
        "co2e_biogenic": "0", "co2e_land_use": "0", "water_m3": "0", "water_region": "GLO",
        "source": "supplier PCF"})
    page = client.get("/products/1").get_data(as_text=True)
    assert not re.search(r"\son[a-z]+=", page)  # no inline handlers (strict CSP to come)
    assert 'data-confirm="Remove the line “housing”?"' in page
    assert 'data-confirm="Remove the supplier factor “acme-pcb”?"' in page
    assert re.search(r'<script src="/static/confirm.js"', page)
    # without JavaScript the plain POST still removes
    client.post("/products/1/lines/1/delete")
    client.post("/products/1/factors/1/delete")
    page = client.get("/products/1").get_data(as_text=True)
    assert "housing" not in page and "acme-pcb" not in page
    assert not re.search(r"\son[a-z]+=", client.get("/sites/").get_data(as_text=True))


def test_favicon_is_linked_and_served(client):
    page = client.get("/").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)"', page).group(1)
    for url in (icon, "/favicon.ico"):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml", url
        assert response.get_data().startswith(b"<svg")
        response.close()
