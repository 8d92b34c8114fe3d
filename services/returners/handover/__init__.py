"""The hand-over into employment: placements records the worker and the spell, then the stage changes."""
