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

// A matrix cell's form answered with its errors (422) or an edit conflict (409) is swapped in
// like any answer, so the GOV.UK error summary shows in the cell; elsewhere htmx's defaults hold.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if ((status === 409 || status === 422) && event.detail.target.closest(".app-cell")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// On a phone a matrix cell is edited on a page of its own rather than squeezed into the table.
document.addEventListener("htmx:confirm", (event) => {
  const link = event.detail.elt;
  if (link.matches("a[data-app-page-when-narrow]") && window.matchMedia("(max-width: 640px)").matches) {
    event.preventDefault();
    window.location.assign(link.href);
  }
});
