"""What only the region's matched view shows: retention, stability, leaver destinations and service
(`report`), moves between member councils (`movements`) and retention curves (`survival`)."""
