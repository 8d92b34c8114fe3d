"""The council reference table (owned by the shared kernel), read-only: which councils there are."""
