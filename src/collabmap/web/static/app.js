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
