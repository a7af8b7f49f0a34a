"""Concerns about a carer's or a peer supporter's safety or wellbeing, raised by anyone who supports
carers and worked through by the site lead (acknowledged, acted on, closed)."""
