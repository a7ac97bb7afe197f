// "Print this report" buttons (no inline scripts: the CSP allows only this file).
document.querySelectorAll("[data-sg-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
