// Starts GOV.UK Frontend's components. The page gives the library's address
// (with its hashed name in production) on this script's data-govuk-frontend,
// because the Content-Security-Policy allows no inline script to import it.
const script = document.querySelector("script[data-govuk-frontend]");
import(script.dataset.govukFrontend).then(({ initAll }) => initAll());
