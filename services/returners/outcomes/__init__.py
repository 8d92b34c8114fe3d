"""A cohort's outcomes: funnel counts, conversions, median days between stages, retention in post."""
