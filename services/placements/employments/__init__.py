"""Employment spells: a person's time at a council, and what each census year held for it."""
