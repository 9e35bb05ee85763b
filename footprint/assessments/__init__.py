"""Assessments: immutable snapshots of a product's inputs and its footprint results."""
