// GOV.UK Frontend styles some components differently once scripts run (set before the body paints).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
