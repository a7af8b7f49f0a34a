"""Programme-wide figures kept in the database, updated by the writes that change them (models.py)."""
