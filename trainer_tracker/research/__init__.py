"""Research in the tracker: assessment responses, adverse events and costs (models, services, pages)."""
