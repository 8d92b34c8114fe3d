"""Applicants: the enquiry (public form or keyed in), the application and its eligibility, the stage funnel
(transitions and their history), and reading them (who sees whom, the talent pool)."""
