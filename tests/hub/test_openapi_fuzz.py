"""Schemathesis over the hub's OpenAPI, signed in as a resident and as an admin, on SQLite and
PostgreSQL: no input may cause a 5xx.

The hub runs in this test's event loop, so the (blocking) schemathesis calls run in a
worker thread while the loop serves them.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok

from tests.conftest import BrokerAddress
from tests.hub.conftest import HubFactory

SKIP = {"auth-logout"}  # would end the session the other calls use


def fuzz(
    spec: dict[str, Any],
    base_url: str,
    token: str,
    site: str,
    modes: tuple[GenerationMode, ...],
    examples: int,
) -> list[str]:
    schema = schemathesis.openapi.from_dict(spec)
    headers = {"Authorization": f"Bearer {token}"}
    checked = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()
        operation = result.ok()
        if operation.definition.raw.get("operationId") in SKIP:
            continue
        known = {"site_id": site} if "{site_id}" in operation.path else None
        for mode in modes:

            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode, path_parameters=known))
            def run(case: schemathesis.Case[Any]) -> None:  # as_strategy() yields Case[Any]
                response = case.call(base_url=base_url, headers=headers, timeout=10)
                case.validate_response(response, checks=[not_a_server_error])

            try:
                run()
            except Unsatisfiable:  # nothing to break: the operation takes no input
                assert mode is GenerationMode.NEGATIVE
        checked.append(operation.label)
    return checked


@pytest.mark.timeout(600)  # hundreds of requests per database; slow on a loaded machine
async def test_no_input_makes_the_api_fail_with_5xx(
    amqtt_broker: BrokerAddress, db_url: str, start_hub: HubFactory, community: str
) -> None:
    # On both databases: PostgreSQL refuses what SQLite takes (NUL characters, out-of-range ids).
    async with start_hub(amqtt_broker, db_url) as hub:
        await hub.resident("fuzz@example.org", "home-f", community, kind="hybrid")
        await hub.admin()
        spec = (await hub.http.get("/openapi.json")).json()
        both = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        # a resident with valid and invalid input; an admin (who reaches more code) with valid input
        for email, modes, examples in (("fuzz@example.org", both, 6), ("admin@example.org", both[:1], 5)):
            token = await hub.token(email)
            checked = await asyncio.to_thread(fuzz, spec, hub.base_url, token, "home-f", modes, examples)
            assert len(checked) >= 20
