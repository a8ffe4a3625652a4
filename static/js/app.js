// htmx set-up shared by every page (see sefton/htmx.py for the server side of the protocol).
document.addEventListener("DOMContentLoaded", function () {
  if (!window.htmx) return;
  // Swap 422 (validation errors: the form comes back with its messages) and 409 (stale page: the
  // row comes back as it is now) as well as 2xx. Other errors carry HX-Reswap: none, so only their
  // out-of-band #flash banner is swapped in (sefton/htmx.py).
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "422", swap: true, error: false },
    { code: "409", swap: true, error: false },
    { code: "[45]..", swap: true, error: true },
  ];
  htmx.config.historyCacheSize = 0; // pages hold sensitive notes: keep them out of localStorage
});

// Review decisions (issue 4): after the decision panel is swapped in, move focus to its heading so
// that keyboard and screen-reader users hear the outcome instead of losing their place.
document.addEventListener("htmx:afterSettle", function (event) {
  var target = event.detail && event.detail.target;
  if (!target || target.id !== "decision-panel") return;
  var heading = document.querySelector("#decision-panel #decision-title");
  if (heading) heading.focus();
});

// Reports: a download button that takes a while (PDF) says so and is not clicked twice. The
// download does not leave the page, so the button comes back after a few seconds. Without
// JavaScript the forms are plain GET/POST forms and work the same.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute || !form.hasAttribute("data-app-busy-form")) return;
  var button = event.submitter;
  if (!button || !button.hasAttribute("data-app-busy")) return;
  if (button.getAttribute("aria-disabled") === "true") { event.preventDefault(); return; }
  var label = button.textContent;
  var status = form.querySelector(".app-busy-status");
  // Said at once (Chromium holds the page's timers while the form's request is pending, so a long
  // render would otherwise show nothing); a second press is refused above by aria-disabled.
  button.setAttribute("aria-disabled", "true");
  button.textContent = button.getAttribute("data-app-busy");
  if (status) status.textContent = button.getAttribute("data-app-busy");
  setTimeout(function () {  // after the form data is taken: a disabled submitter would be left out
    button.disabled = true;
  }, 0);
  setTimeout(function () {
    button.disabled = false;
    button.removeAttribute("aria-disabled");
    button.textContent = label;
    if (status) status.textContent = "";
  }, 8000);
});

// Workspace rows (issue 12): a row's forms are fetched into it, and every change swaps the row in
// place. Keyboard focus then lands in the new row, never on <body>: on its error summary when the
// change was refused (422, 409), on the first field of a form just opened, back on the link that
// opened a form just cancelled, else on the row's status cell.
var rowFocus = null;

document.addEventListener("htmx:beforeRequest", function (event) {
  var elt = event.detail && event.detail.elt;
  var row = elt && elt.closest ? elt.closest("tr.app-workspace-row") : null;
  if (!row) return;
  rowFocus = {
    id: row.id,
    opens: elt.getAttribute("data-app-opens"),
    cancel: elt.getAttribute("data-app-cancel"),
  };
});

document.addEventListener("htmx:afterRequest", function (event) {
  var status = event.detail && event.detail.xhr ? event.detail.xhr.status : 0;
  // Other errors swap nothing in place (only the #flash banner): focus stays where it was.
  if (!(status >= 200 && status < 300) && status !== 409 && status !== 422) rowFocus = null;
});

document.addEventListener("htmx:afterSettle", function () {
  if (!rowFocus) return;
  var want = rowFocus;
  var row = document.getElementById(want.id);
  if (!row) return;
  rowFocus = null;
  var active = document.activeElement;
  // A form just opened where the user is already in one of its fields (they clicked into it
  // before the swap settled): leave them there, never pull focus back to the first field.
  if (want.opens && active && active.closest && active.closest("#" + want.id + " .app-row-form")) return;
  var target = row.querySelector(".app-row-error-summary");
  if (!target && want.opens) {
    target = row.querySelector(".app-row-form textarea, .app-row-form input:not([type=hidden]), .app-row-form button");
  }
  if (!target && want.cancel) target = row.querySelector('[data-app-opens="' + want.cancel + '"]');
  if (!target) target = row.querySelector(".app-row-status");
  if (target) target.focus();
});
