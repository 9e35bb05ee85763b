"""Certification: green-design and green-factory criteria, scoring, certificates (later issues)."""
