"""The hub's broker clients beyond ingest: the command link to the agents."""
