/* Self-study that counts, when the site is served by the tracker and the reader is signed in.

   On a module page with a knowledge check, ask the tracker (same origin, /study/state) whether
   the reader is signed in as someone whose study counts. If so, add a "Mark as studied" button
   and, once every question has been checked, record the result. Signed out, served as a static
   site, or opened from file://, the request fails or says "not signed in" and nothing is shown,
   recorded or sent anywhere else. */
(function () {
  'use strict'

  function post (root, state, body, done) {
    var module = root.getAttribute('data-module')
    body.version = root.getAttribute('data-module-version')
    fetch('/study/' + encodeURIComponent(module), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': state.csrf_token },
      body: JSON.stringify(body)
    }).then(function (response) { return response.json() }).then(done).catch(function () {})
  }

  function setUp (root) {
    if (location.protocol === 'file:') return
    var module = root.getAttribute('data-module')
    var version = root.getAttribute('data-module-version')
    fetch('/study/state?module=' + encodeURIComponent(module) + '&version=' + encodeURIComponent(version),
      { credentials: 'same-origin' })
      .then(function (response) { return response.ok ? response.json() : { signed_in: false } })
      .then(function (state) {
        if (!state.signed_in) return
        var box = document.createElement('div')
        box.className = 'cascade-study'
        var status = document.createElement('p')
        status.setAttribute('role', 'status')
        var button = document.createElement('button')
        button.type = 'button'
        button.className = 'cascade-check__submit'
        button.textContent = 'Mark this module as studied'
        function show (result) {
          var parts = []
          if (result.studied) parts.push('You have marked this module as studied.')
          if (result.right !== null && result.right !== undefined) {
            parts.push('Your best knowledge check: ' + result.right + ' of ' + result.questions + ' right.')
          }
          status.textContent = parts.join(' ')
          button.hidden = !!result.studied
        }
        button.addEventListener('click', function () {
          post(root, state, { studied: true }, show)
        })
        box.appendChild(status)
        box.appendChild(button)
        root.appendChild(box)
        show(state)
        var questions = (root.getAttribute('data-questions') || '').split(/\s+/).filter(Boolean)
        root.addEventListener('cascade:knowledge-check', function () {
          var answered = (root.getAttribute('data-answered') || '').split(/\s+/).filter(Boolean)
          var right = (root.getAttribute('data-right') || '').split(/\s+/).filter(Boolean)
          if (questions.length && questions.every(function (q) { return answered.indexOf(q) >= 0 })) {
            post(root, state, { right: right.length, questions: questions.length }, show)
          }
        })
      })
      .catch(function () {})
  }

  function start () {
    document.querySelectorAll('.cascade-check').forEach(setUp)
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start)
  } else {
    start()
  }
})()
