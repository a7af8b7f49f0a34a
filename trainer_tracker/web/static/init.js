// Start NHS.UK frontend's components. A file, not an inline script, so the CSP can forbid inline code.
import { initAll } from './nhsuk/nhsuk-frontend.min.js'

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
initAll()
