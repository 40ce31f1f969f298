// The receipt's "Print" button: shown only when scripts run (it needs one),
// wired here because the Content Security Policy allows no inline handlers.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
