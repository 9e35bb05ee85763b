"""Small helpers shared by the functional tests."""

LINE_DEFAULTS = {"stage": "materials", "name": "housing", "kind": "factor", "factor": "steel-bof",
                 "gas": "CO2", "water": "withdrawal", "amount": "2.5", "unit": "kg",
                 "allocation_basis": "units"}


def credit_code(number: int) -> str:
    from footprint.accounts.credit_code import check_character

    first17 = f"91500000MA{number:07d}"
    return first17 + check_character(first17)


def login(client, email: str, password: str = "correct horse 1"):
    return client.post("/login", data={"email": email, "password": password})


def add_line(client, product_id: int = 1, **fields):
    return client.post(f"/products/{product_id}/lines/new", data={**LINE_DEFAULTS, **fields})
