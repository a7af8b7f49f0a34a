"""Research exports: tidy CSV plus a codebook, streamed, audited; optionally de-identified."""
