"""Simulated SunSpec devices (inverter, battery, meter) over real Modbus TCP or RTU, with home physics.

Entry points: ``firmware_sims.serve.serve_device``, ``firmware_sims.community.run_community``,
``firmware_sims.clock.SimClock`` and the ``powershare-sim`` command; see README.md.
"""
