// Forms with data-confirm ask before they submit (removing a line, a factor, a site).
// Without JavaScript the form submits as before: the server never depends on this script.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
