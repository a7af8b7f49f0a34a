"""Publishing the curriculum: MkDocs hooks and macros, both editions, the offline zip and the PDFs."""
