"""A council's records of people: each the council's own (docs/architecture.md, "Tenancy")."""
