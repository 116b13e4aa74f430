"""``python -m firmware_sims`` is ``powershare-sim``."""

from firmware_sims.cli import main

main()
