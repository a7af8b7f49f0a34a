"""Self-study that counts: a signed-in peer supporter marks a module studied and records their
knowledge-check result from the training site; the tracker shows progress against their stage."""
