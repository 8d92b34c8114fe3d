"""Cohorts: the programme's intakes, with their eligibility rules held as data."""
