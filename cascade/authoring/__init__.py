"""Tools for authors and reviewers: change summaries, version rules, releases, pinning German sources."""
