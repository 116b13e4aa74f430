"""Joining a community takes an invitation or an admin's approval, not just its id (#12)."""

from __future__ import annotations

from hub.db.models import UserRole
from hub.seed import ensure_community, ensure_user
from tests.conftest import BrokerAddress
from tests.hub.conftest import PASSWORD, HubFactory, RunningHub


async def outsider(hub: RunningHub, email: str, community: str) -> None:
    await hub.seed(lambda s: ensure_community(s, community))
    await hub.seed(lambda s: ensure_user(s, email, PASSWORD, UserRole.RESIDENT))


async def test_joining_needs_a_valid_invitation(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        await outsider(hub, "ann@example.org", community)
        await outsider(hub, "bob@example.org", community)
        ann, bob = await hub.client_for("ann@example.org"), await hub.client_for("bob@example.org")
        stats = f"/api/communities/{community}/stats"
        assert (await ann.get(stats)).status_code == 403

        typed = await ann.post(f"/api/communities/{community}/join", json={"invitation": "guessed"})
        assert typed.status_code == 403
        assert (await ann.get(stats)).status_code == 403

        admin = await hub.admin()
        invitation = await admin.post(f"/api/communities/{community}/invitations")
        assert invitation.status_code == 201
        code = invitation.json()["code"]
        joined = await ann.post(f"/api/communities/{community}/join", json={"invitation": code})
        assert joined.status_code == 200, joined.text
        assert joined.json()["community"] == community
        assert (await ann.get(stats)).status_code == 200

        again = await bob.post(f"/api/communities/{community}/join", json={"invitation": code})
        assert again.status_code == 403  # one code, one resident
        other = await admin.post("/api/communities/elsewhere/invitations")
        assert other.status_code == 404


async def test_a_request_makes_a_member_once_an_admin_approves(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        await outsider(hub, "cy@example.org", community)
        cy = await hub.client_for("cy@example.org")
        asked = await cy.post(f"/api/communities/{community}/membership-requests")
        assert asked.status_code == 202
        assert asked.json()["status"] == "pending"
        assert (await cy.get(f"/api/communities/{community}/stats")).status_code == 403
        assert (await cy.get(f"/api/communities/{community}/membership-requests")).status_code == 403

        admin = await hub.admin()
        pending = (await admin.get(f"/api/communities/{community}/membership-requests")).json()
        assert [(r["user_id"], r["status"]) for r in pending] == [(asked.json()["user_id"], "pending")]
        decided = await admin.post(
            f"/api/communities/{community}/membership-requests/{asked.json()['id']}", json={"approve": True}
        )
        assert decided.json()["status"] == "approved"
        assert (await cy.get(f"/api/communities/{community}/stats")).status_code == 200
        twice = await admin.post(
            f"/api/communities/{community}/membership-requests/{asked.json()['id']}", json={"approve": False}
        )
        assert twice.status_code == 409


async def test_registering_with_a_community_asks_to_join_it(
    amqtt_broker: BrokerAddress, sqlite_url: str, start_hub: HubFactory, community: str
) -> None:
    async with start_hub(amqtt_broker, sqlite_url) as hub:
        await hub.seed(lambda s: ensure_community(s, community))
        body = {"email": "dee@example.org", "password": PASSWORD, "community": community}
        assert (await hub.http.post("/api/auth/register", json=body)).status_code == 202
        dee = await hub.client_for("dee@example.org")
        assert (await dee.get("/api/me")).json()["community"] is None
        assert (await dee.get(f"/api/communities/{community}/stats")).status_code == 403

        admin = await hub.admin()
        code = (await admin.post(f"/api/communities/{community}/invitations")).json()["code"]
        invited = {
            "email": "eli@example.org",
            "password": PASSWORD,
            "community": community,
            "invitation": code,
        }
        assert (await hub.http.post("/api/auth/register", json=invited)).status_code == 202
        eli = await hub.client_for("eli@example.org")
        assert (await eli.get("/api/me")).json()["community"] == community
        bad = {**invited, "email": "fox@example.org"}  # the code is used now
        refused = await hub.http.post("/api/auth/register", json=bad)
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["body", "invitation"]
        assert refused.json()["detail"][0]["type"] == "invitation_invalid"
