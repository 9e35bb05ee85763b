// Line form: show the fields of the chosen kind and amount mode; search factors as one types.
(function () {
  const form = document.getElementById("line-form");
  if (!form) return;
  const kind = form.querySelector("#kind");
  const allocated = form.querySelector("#allocated");
  const factor = form.querySelector("#factor");
  const unit = form.querySelector("#unit");
  const results = document.getElementById("factor-results");

  function sync() {
    form.querySelectorAll("[data-kind]").forEach((el) => { el.hidden = el.dataset.kind !== kind.value; });
    form.querySelectorAll("[data-amount]").forEach((el) => {
      el.hidden = (el.dataset.amount === "allocated") !== allocated.checked;
    });
  }

  function pick(code, factorUnit) {
    factor.value = code;
    if (!unit.value && factorUnit) unit.value = factorUnit;
    results.replaceChildren();
  }

  let timer = null;
  function search() {
    const query = factor.value.trim();
    // one Chinese character (钢, 铝, 铜) is already a meaningful query; one Latin letter is not
    const shortest = /[^\x00-\x7F]/.test(query) ? 1 : 2;
    if (query.length < shortest) { results.replaceChildren(); return; }
    fetch(factor.dataset.searchUrl + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
      .then((response) => response.json())
      .then((rows) => {
        results.replaceChildren(...rows.map((row) => {
          const item = document.createElement("li");
          const button = document.createElement("button");
          button.type = "button";
          button.dataset.code = row.code;
          // textContent, never innerHTML: names come from data files and users
          button.textContent = `${row.code} — ${row.name} · ${row.unit} · ${row.year} · ${row.geography} · ${row.source}`;
          button.addEventListener("click", () => pick(row.code, row.unit));
          item.appendChild(button);
          return item;
        }));
      });
  }

  kind.addEventListener("change", sync);
  allocated.addEventListener("change", sync);
  factor.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 200); });
  form.querySelectorAll("[data-pick]").forEach((button) => {
    button.addEventListener("click", () => pick(button.dataset.pick, button.dataset.unit));
  });
  sync();
})();
