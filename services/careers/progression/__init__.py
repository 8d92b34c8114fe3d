"""Progression applications: a worker's draft, submitted with evidence, endorsed or returned by their council,
decided by the panel; every transition stored, and approval changing the worker's level."""
