// Line form: show the fields of the chosen kind and amount mode; search factors as one types;
// after a pick, show the factor's value, unit, scope and confidence beside the field.
(function () {
  const form = document.getElementById("line-form");
  if (!form) return;
  const kind = form.querySelector("#kind");
  const allocated = form.querySelector("#allocated");
  const factor = form.querySelector("#factor");
  const unit = form.querySelector("#unit");
  const gas = form.querySelector("#gas");
  const results = document.getElementById("factor-results");
  const info = document.getElementById("factor-info");
  const hint = document.getElementById("factor-hint");
  let rows = {};

  function sync() {
    form.querySelectorAll("[data-kind]").forEach((el) => { el.hidden = el.dataset.kind !== kind.value; });
    form.querySelectorAll("[data-amount]").forEach((el) => {
      el.hidden = (el.dataset.amount === "allocated") !== allocated.checked;
    });
  }

  // textContent, never innerHTML: names come from data files and users
  function showInfo(row) {
    if (!info) return;
    if (!row) { info.hidden = true; info.replaceChildren(); return; }
    const name = document.createElement("strong");
    name.textContent = row.name;
    const facts = document.createElement("span");
    facts.textContent = `${info.dataset.labelValue}: ${row.value} · ${info.dataset.labelScope}: ` +
      `${row.scope_label} · ${info.dataset.labelConfidence}: ${row.confidence_label}`;
    const parts = [name, document.createElement("br"), facts];
    if (row.inventory_only) {
      const warning = document.createElement("span");
      warning.className = "error";
      warning.textContent = info.dataset.inventoryWarning;
      parts.push(document.createElement("br"), warning);
    }
    info.replaceChildren(...parts);
    info.classList.toggle("inventory", !!row.inventory_only);
    info.hidden = false;
  }

  function pick(code, factorUnit) {
    factor.value = code;
    if (!unit.value && factorUnit) unit.value = factorUnit;
    results.replaceChildren();
    if (hint) hint.hidden = true;
    if (rows[code]) { showInfo(rows[code]); return; }
    fetch(factor.dataset.searchUrl + "?q=" + encodeURIComponent(code), { credentials: "same-origin" })
      .then((response) => response.json())
      .then((data) => { showInfo(data.factors.find((row) => row.code === code) || null); });
  }

  function showHint(data) {
    if (!hint) return;
    if (!data) { hint.hidden = true; hint.replaceChildren(); return; }
    const text = document.createElement("span");
    text.textContent = data.text + " ";
    const buttons = data.gases.map((name) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.dataset.gas = name;
      button.textContent = name;
      button.addEventListener("click", () => {
        kind.value = "emission";
        if (gas) gas.value = name;
        factor.value = "";
        if (!unit.value) unit.value = "kg";
        results.replaceChildren();
        hint.hidden = true;
        showInfo(null);
        sync();
      });
      return button;
    });
    const parts = [text];
    buttons.forEach((button, index) => { if (index) parts.push(" · "); parts.push(button); });
    hint.replaceChildren(...parts);
    hint.hidden = false;
  }

  let timer = null;
  function search() {
    const query = factor.value.trim();
    // one Chinese character (钢, 铝, 铜) is already a meaningful query; one Latin letter is not
    const shortest = /[^\x00-\x7F]/.test(query) ? 1 : 2;
    if (query.length < shortest) { results.replaceChildren(); showHint(null); return; }
    fetch(factor.dataset.searchUrl + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
      .then((response) => response.json())
      .then((data) => {
        showHint(data.hint);
        data.factors.forEach((row) => { rows[row.code] = row; });
        results.replaceChildren(...data.factors.map((row) => {
          const item = document.createElement("li");
          const button = document.createElement("button");
          button.type = "button";
          button.dataset.code = row.code;
          button.textContent = `${row.name} — ${row.code} · ${row.value} · ${row.scope_label} · ` +
            `${row.year} · ${row.geography}`;
          if (row.inventory_only) button.classList.add("inventory");
          button.addEventListener("click", () => pick(row.code, row.unit));
          item.appendChild(button);
          return item;
        }));
      });
  }

  kind.addEventListener("change", sync);
  allocated.addEventListener("change", sync);
  factor.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
    if (info && !info.hidden) showInfo(null);
  });
  form.querySelectorAll("[data-pick]").forEach((button) => {
    button.addEventListener("click", () => pick(button.dataset.pick, button.dataset.unit));
  });
  sync();
})();
