// Start NHS.UK frontend's components. A file, not an inline script, so the CSP can forbid inline code.
import { initAll } from './nhsuk/nhsuk-frontend.min.js'

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
initAll()

// A table wider than the screen scrolls sideways inside its own box, so the page never does
// (WCAG 1.4.10). While it scrolls, the box can take keyboard focus (2.1.1) and is named after the
// table's caption, so keyboard and screen reader users can reach the hidden columns.
const boxes = []
document.querySelectorAll('table.nhsuk-table, table.nhsuk-table-responsive').forEach((table) => {
  const box = document.createElement('div')
  box.className = 'tracker-table-scroll'
  table.before(box)
  box.append(table)
  boxes.push(box)
})

function updateTableBoxes () {
  for (const box of boxes) {
    if (box.scrollWidth > box.clientWidth + 1) {
      const caption = box.querySelector('caption')
      box.tabIndex = 0
      box.setAttribute('role', 'region')
      box.setAttribute('aria-label', `${caption ? caption.textContent.trim() : 'Table'} (scrolls sideways)`)
    } else {
      box.removeAttribute('tabindex')
      box.removeAttribute('role')
      box.removeAttribute('aria-label')
    }
  }
}
updateTableBoxes()
window.addEventListener('resize', updateTableBoxes)
