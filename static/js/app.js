// htmx set-up shared by every page (see sefton/htmx.py for the server side of the protocol).
document.addEventListener("DOMContentLoaded", function () {
  if (!window.htmx) return;
  // Swap 422 (validation errors: the form comes back with its messages) as well as 2xx.
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "422", swap: true, error: false },
    { code: "409", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
  ];
  htmx.config.historyCacheSize = 0; // pages hold sensitive notes: keep them out of localStorage
});
