"""Replicated hubs on PostgreSQL: community ownership by lease (leases) and events across replicas (bridge)."""
