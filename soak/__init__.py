"""The soak: a community run against real Mosquitto and PostgreSQL while faults are injected (#12).

``python -m soak`` (``make soak``) starts everything of its own on free ports: PostgreSQL
(``initdb``/``pg_ctl`` from the installed binaries), Mosquitto with the shipped persistence,
password and ACL setup, the hub and one edge agent per simulated home as subprocesses (so
they can be killed with ``kill -9``), the simulated homes in this process, and a TCP proxy
between the agents and the broker (to partition them). It then injects the faults of
:mod:`soak.faults` one after another, each followed by a recovery wait, and counts, per
fault, the readings produced (the agents' sequence numbers), stored (the hub's database),
lost and duplicated (:mod:`soak.accounting`). The goal is lost 0 and duplicated 0.

tests/faults/ runs the same faults, shortened. Nothing here imports test code.
"""
