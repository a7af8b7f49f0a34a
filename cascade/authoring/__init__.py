"""Tools for authors and reviewers: change summaries, version rules, releases, German sources, word diffs."""
