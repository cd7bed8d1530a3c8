// Start GOV.UK Frontend's components (error summary focus, conditional reveals …) and send the
// CSRF token with every htmx request.
import { initAll } from "/static/vendor/govuk/govuk-frontend.min.js";

initAll();
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]');
  if (token) {
    event.detail.headers["X-CSRF-Token"] = token.content;
  }
});

// A form answered with its errors (422) or with an edit conflict (409) is swapped in like any
// page, so the GOV.UK error summary shows where the form was; other errors are not swapped.
if (window.htmx) {
  window.htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "409|422", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
  ];
}

// On a phone a matrix cell is edited on a page of its own rather than squeezed into the table.
document.addEventListener("htmx:confirm", (event) => {
  const link = event.detail.elt;
  if (link.matches("a[data-app-page-when-narrow]") && window.matchMedia("(max-width: 640px)").matches) {
    event.preventDefault();
    window.location.assign(link.href);
  }
});
