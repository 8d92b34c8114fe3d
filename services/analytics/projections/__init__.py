"""Projections of the workforce in post: the stock-and-flow model as plain functions (`model`), the report read
from the records (`report`), its answer (`schemas`) and endpoint (`router`); docs/projections.md says how."""
