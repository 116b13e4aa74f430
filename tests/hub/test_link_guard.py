"""When a replica is fit to hold leases, as its broker link drops, flaps and comes back (#13)."""

from __future__ import annotations

from hub.cluster.link_guard import LinkGuard

GRACE_S = 10.0


class Link:
    """A broker link and the monotonic clock, both set by the test."""

    def __init__(self) -> None:
        self.up = True
        self.now = 100.0

    def guard(self) -> LinkGuard:
        return LinkGuard(lambda: self.up, GRACE_S, clock=lambda: self.now)


def test_a_drop_shorter_than_the_grace_keeps_the_replica_fit() -> None:
    link = Link()
    guard = link.guard()
    link.up = False
    link.now += GRACE_S - 1
    assert guard.fit()
    assert guard.unfit_in() == 1.0  # the lease keeper wakes just past it
    link.up = True
    link.now += 0.5
    assert (guard.fit(), guard.unfit_in()) == (True, None)


def test_a_link_down_past_the_grace_is_unfit_until_it_has_stayed_up_as_long() -> None:
    link = Link()
    guard = link.guard()
    link.up = False
    link.now += GRACE_S
    assert not guard.fit()
    link.up = True  # back: its communities stay where the others took them, for now
    assert not guard.fit()
    link.now += GRACE_S - 1
    assert not guard.fit()
    link.now += 1
    assert guard.fit()


def test_a_flapping_link_stays_unfit() -> None:
    """Down past the grace, then up and down every few seconds: handing its communities back
    each time it is up would move them with every drop."""
    link = Link()
    guard = link.guard()
    link.up = False
    link.now += GRACE_S
    assert not guard.fit()
    for _ in range(5):
        link.up = True
        link.now += GRACE_S / 2
        assert not guard.fit()
        link.up = False
        link.now += 1
        assert not guard.fit()


def test_a_replica_starting_has_the_grace_to_connect() -> None:
    link = Link()
    link.up = False
    guard = link.guard()
    link.now += GRACE_S - 1
    assert guard.fit()
    link.up = True
    assert guard.fit()
    link.up = False
    link.now += 1  # a drop right after connecting starts a grace of its own
    assert guard.fit()


def test_with_no_grace_the_replica_follows_its_link() -> None:
    up = True
    guard = LinkGuard(lambda: up, 0)
    assert guard.fit()
    up = False
    assert not guard.fit()
    up = True
    assert guard.fit()
