// Runs first in <body>, before anything is drawn: GOV.UK Frontend styles
// its components for JavaScript by these classes. A file, not inline, because
// the Content-Security-Policy allows only Kith's own script files.
document.body.className +=
  " js-enabled" +
  ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
