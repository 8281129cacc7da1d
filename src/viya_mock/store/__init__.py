"""The in-memory store, fixture seeding, and collection queries (filters, sorting, paging)."""
