"""Refreshers: who was trained on an older MAJOR version of a module, and closing the loop (assigned,
studied on the site, confirmed by a trainer or by attending a refresher session)."""
