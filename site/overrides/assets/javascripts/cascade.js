/* Small accessibility fixes to Material for MkDocs, which we do not fork.

   1. A table wider than the screen scrolls sideways inside Material's wrapper. Such a wrapper must be
      reachable by keyboard and named for screen readers (WCAG 2.1.1): give it tabindex="0", role
      "region" and a label while, and only while, it scrolls.
   2. Material's search is a dialog without a name; name it "Search" (4.1.2).
   3. Tab from the search box went to the results' scroll box, which closes the search: focus
      landed on something invisible (2.4.7). Take the box out of the tab order; the results are
      links, reached with Tab or the arrow keys.
   4. On narrow screens the navigation is a drawer of sliding menus, opened and walked with labels
      that a keyboard cannot reach. Make them buttons (Tab reaches them; Enter, which Material
      already handles for labels, or Space works them): the drawer's menu button, which also moves
      focus into the drawer, and each menu's title, which goes back up a level. Focus follows the
      menu that slides in or out; Escape closes the drawer and returns focus to the menu button.
      cascade.css hides what is out of sight, so Tab never lands there. */
(function () {
  'use strict'
  var search = document.querySelector('.md-search[role="dialog"]')
  if (search && !search.hasAttribute('aria-label')) search.setAttribute('aria-label', 'Search')
  document.querySelectorAll('.md-search__scrollwrap[tabindex="0"]').forEach(function (box) {
    box.setAttribute('tabindex', '-1')
  })

  var narrow = window.matchMedia('(max-width: 76.2344em)')
  var drawer = document.getElementById('__drawer')
  var opener = document.querySelector('.md-header__button[for="__drawer"]')
  var sidebar = document.querySelector('.md-sidebar--primary')

  function visibleIn (root) {
    return Array.prototype.filter.call(root.querySelectorAll('a[href], label[tabindex="0"]'), function (el) {
      return el.getBoundingClientRect().width > 0 && getComputedStyle(el).visibility === 'visible'
    })
  }
  function focusSoon (el) {
    if (el) window.requestAnimationFrame(function () { el.focus() })
  }
  function pressable (el, name) {
    el.setAttribute('tabindex', '0')
    el.setAttribute('role', 'button')
    if (name) el.setAttribute('aria-label', name)
  }
  function unpressable (el) {
    el.removeAttribute('tabindex')
    el.removeAttribute('role')
    el.removeAttribute('aria-label')
  }

  if (drawer && opener && sidebar) {
    pressable(opener, 'Menu')
    opener.setAttribute('aria-expanded', String(drawer.checked))
    var setDrawer = function (open) {
      drawer.checked = open
      drawer.dispatchEvent(new Event('change'))
    }
    drawer.addEventListener('change', function () { opener.setAttribute('aria-expanded', String(drawer.checked)) })
    opener.addEventListener('keydown', function (event) {
      if (event.key !== 'Enter' && event.key !== ' ') return
      event.preventDefault()
      event.stopPropagation() // Material would click the label a second time
      setDrawer(!drawer.checked)
      if (drawer.checked) {
        window.requestAnimationFrame(function () { focusSoon(visibleIn(sidebar)[0]) })
      }
    })
    document.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && drawer.checked && narrow.matches) {
        setDrawer(false)
        opener.focus()
      }
    })

    // The drawer is not a dialog: when focus moves on out of it, close it, so that what gets
    // focus next is not hidden behind it.
    sidebar.addEventListener('focusout', function (event) {
      if (narrow.matches && drawer.checked && !(event.relatedTarget && sidebar.contains(event.relatedTarget))) {
        setDrawer(false)
      }
    })

    var titles = sidebar.querySelectorAll('.md-nav--primary .md-nav__title[for], .md-nav--primary label.md-nav__link[for="__toc"]')
    var setTitles = function () {
      titles.forEach(function (title) {
        if (!narrow.matches) return unpressable(title)
        var text = title.textContent.replace(/\s+/g, ' ').trim()
        var kind = title.htmlFor === '__drawer' ? 'Close the menu: ' : title.htmlFor === '__toc' ? 'Contents of ' : 'Back from '
        pressable(title, kind + text)
      })
    }
    setTitles()
    narrow.addEventListener('change', setTitles)

    // Space works a label button too (Material handles Enter for any focused label).
    sidebar.addEventListener('keydown', function (event) {
      var el = event.target
      if (event.key === ' ' && el instanceof HTMLLabelElement && el.hasAttribute('tabindex')) {
        event.preventDefault()
        el.click()
      }
    })
    // Focus follows the menu that slid in (to its title) or out (to the item that opened it).
    sidebar.querySelectorAll('.md-nav--primary .md-nav__toggle').forEach(function (toggle) {
      toggle.addEventListener('change', function () {
        if (!narrow.matches || !drawer.checked) return
        focusSoon(toggle.checked
          ? toggle.parentElement.querySelector(':scope > .md-nav > .md-nav__title')
          : sidebar.querySelector('label.md-nav__link[for="' + toggle.id + '"]'))
      })
    })
  }

  function update () {
    document.querySelectorAll('.md-typeset__scrollwrap').forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute('tabindex', '0')
        wrap.setAttribute('role', 'region')
        wrap.setAttribute('aria-label', 'Table (scroll sideways to see all of it)')
      } else {
        wrap.removeAttribute('tabindex')
        wrap.removeAttribute('role')
        wrap.removeAttribute('aria-label')
      }
    })
  }
  if (window.document$ && typeof window.document$.subscribe === 'function') {
    window.document$.subscribe(update)
  }
  window.addEventListener('load', update)
  window.addEventListener('resize', update)
})()
