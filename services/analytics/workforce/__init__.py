"""Analytics' one window onto the workforce: set-based SQL over placements' tables, read only.

- `tables`: the tables and columns analytics reads (so a change to placements' internals breaks there and
  nowhere else), the councils, and which census years hold records;
- `totals`: the DfE measures' numerators and denominators, per census year or for the 12 months to a date;
- `matched`: people matched across the region's councils: retention, service and leaver destinations;
- `stays`: time in post, the spells behind the retention curves.
"""
