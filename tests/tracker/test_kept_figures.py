"""Figures kept until the data changes (trainer_tracker/dashboard/cache.py): stale figures are
shown while one refresh runs, at most once per interval, and a failed refresh keeps the old ones."""

from __future__ import annotations

import threading

from trainer_tracker.dashboard import cache


def _runner(started: list):
    def start(work):
        thread = threading.Thread(target=work)
        started.append(thread)
        thread.start()
    return start


def test_stale_figures_are_refreshed_once_and_not_within_the_interval(app, world):
    cache.clear()
    version = [1]
    computed = []

    def compute():
        computed.append(version[0])
        return f"figures at version {version[0]}"

    started: list = []
    with app.app_context():
        value, _, stale = cache.refreshed("t", (), compute, lambda: tuple(version), background=_runner(started))
        assert (value, stale, computed) == ("figures at version 1", False, [1])  # first time: worked out at once
        version[0] = 2
        value, _, stale = cache.refreshed("t", (), compute, lambda: tuple(version), background=_runner(started),
                                          min_interval=3600)
        assert (value, stale, started) == ("figures at version 1", True, [])  # too soon: no refresh yet
        value, _, stale = cache.refreshed("t", (), compute, lambda: tuple(version), background=_runner(started))
        assert (value, stale) == ("figures at version 1", True) and len(started) == 1
        started[0].join()
        value, _, stale = cache.refreshed("t", (), compute, lambda: tuple(version), background=_runner(started))
        assert (value, stale, computed) == ("figures at version 2", False, [1, 2])


def test_a_failed_refresh_keeps_the_earlier_figures(app, world):
    cache.clear()
    version = [1]

    def compute():
        if version[0] == 2:
            raise RuntimeError("database went away")
        return "old"

    started: list = []
    with app.app_context():
        cache.refreshed("f", (), compute, lambda: tuple(version))
        version[0] = 2
        assert cache.refreshed("f", (), compute, lambda: tuple(version), background=_runner(started))[0] == "old"
        started[0].join()
        value, _, stale = cache.refreshed("f", (), compute, lambda: tuple(version), background=_runner(started))
        assert (value, stale) == ("old", True) and len(started) == 2  # tried again on the next visit
        started[1].join()
