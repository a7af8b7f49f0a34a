"""Supervision for peer supporters (individual or group sessions) and private reflective notes."""
