"""Publishing the curriculum: MkDocs hooks and macros (thin files in site/ call these) and the
build of both editions, the offline zip and the per-module PDFs."""
