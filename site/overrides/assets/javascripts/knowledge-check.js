/* The knowledge check on a module page (the HTML: cascade/site/self_check.py).

   Each question is a form of its own. This script shows its "Check my answer" button (hidden
   without a script, when "Show the answers and why" still gives the same feedback) and, when
   pressed, writes what the reader chose and why it is right or not into the question's live
   region, which a screen reader reads out. Nothing is saved or sent anywhere: it works from
   file:// as well as from a server.

   For a page that embeds the site (such as a tracker page that will record "studied"), each
   check dispatches a `cascade:knowledge-check` event on the root element, with the module, its
   version, the question, the answers chosen and whether they were right; the root's
   data-answered and data-right list the question ids answered and answered rightly so far. */
(function () {
  'use strict'

  function textOf (el) {
    return el ? el.textContent.replace(/\s+/g, ' ').trim() : ''
  }

  function paragraph (text, strong) {
    var p = document.createElement('p')
    if (strong) {
      var b = document.createElement('strong')
      b.textContent = strong
      p.appendChild(b)
      p.appendChild(document.createTextNode(' '))
    }
    p.appendChild(document.createTextNode(text))
    return p
  }

  // Older phones' browsers lack replaceChildren.
  function fill (el, children) {
    while (el.firstChild) el.removeChild(el.firstChild)
    children.forEach(function (child) { el.appendChild(child) })
  }

  function feedbackFor (form, input) {
    var item = form.querySelector('.cascade-check__explained li[data-answer="' + input.value + '"] .cascade-check__why')
    var label = form.querySelector('label[for="' + input.id + '"]')
    return { answer: textOf(label), why: textOf(item) }
  }

  function remember (root, name, id, add) {
    var ids = (root.getAttribute(name) || '').split(' ').filter(Boolean)
    var at = ids.indexOf(id)
    if (add && at < 0) ids.push(id)
    if (!add && at >= 0) ids.splice(at, 1)
    root.setAttribute(name, ids.join(' '))
  }

  function check (root, form) {
    var out = form.querySelector('.cascade-check__feedback')
    var inputs = Array.prototype.slice.call(form.querySelectorAll('input'))
    var chosen = inputs.filter(function (i) { return i.checked })
    var isRight = function (i) { return i.getAttribute('data-correct') === 'true' }
    var right = inputs.filter(isRight)
    var parts = []
    if (!chosen.length) {
      fill(out, [paragraph('Choose an answer first, then press "Check my answer".')])
      return
    }
    var allRight = chosen.length === right.length && chosen.every(isRight)
    if (form.getAttribute('data-kind') === 'multiple') {
      var found = chosen.filter(isRight).length
      parts.push(allRight
        ? paragraph('You found every right answer.', 'Well done.')
        : paragraph('You chose ' + found + ' of the ' + right.length + ' right answers' +
          (chosen.length > found ? ', and ' + (chosen.length - found) + ' that ' +
            (chosen.length - found > 1 ? 'are' : 'is') + ' not right.' : '.'), 'Not quite.'))
    }
    chosen.forEach(function (input) {
      var said = feedbackFor(form, input)
      parts.push(paragraph('You chose: ' + said.answer, isRight(input) ? 'Right.' : 'Not right.'))
      parts.push(paragraph(said.why))
    })
    if (!allRight) parts.push(paragraph('Try again if you like. "Show the answers and why" explains every answer.'))
    fill(out, parts)

    var question = form.getAttribute('data-question')
    remember(root, 'data-answered', question, true)
    remember(root, 'data-right', question, allRight)
    root.dispatchEvent(new CustomEvent('cascade:knowledge-check', {
      bubbles: true,
      detail: {
        module: root.getAttribute('data-module'),
        version: root.getAttribute('data-module-version'),
        question: question,
        chosen: chosen.map(function (i) { return Number(i.value) }),
        right: allRight
      }
    }))
  }

  function setUp () {
    document.querySelectorAll('.cascade-check').forEach(function (root) {
      if (root.getAttribute('data-ready') === 'true') return
      root.setAttribute('data-ready', 'true')
      root.querySelectorAll('form.cascade-check__question').forEach(function (form) {
        var button = form.querySelector('.cascade-check__submit')
        if (button) button.hidden = false
        form.addEventListener('submit', function (event) {
          event.preventDefault()
          check(root, form)
        })
        // A new choice makes the old feedback wrong: clear it until the next check.
        form.addEventListener('change', function () {
          fill(form.querySelector('.cascade-check__feedback'), [])
        })
      })
    })
  }

  if (window.document$ && typeof window.document$.subscribe === 'function') {
    window.document$.subscribe(setUp)
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', setUp)
  } else {
    setUp()
  }
})()
