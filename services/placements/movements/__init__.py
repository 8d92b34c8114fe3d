"""Movement between the region's councils, and the agency engagement check built on each person's history."""
