// Forms with data-confirm ask before they are sent (no inline handlers: the CSP allows none).
document.addEventListener("submit", (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
