#!/usr/bin/env bash
# Regenerate src/client/hub.gen.ts (TypeScript types of the hub's API) from its OpenAPI schema.
#   scripts/generate-client.sh                 # schema from the hub's code (needs the repo's .venv)
#   HUB_URL=http://127.0.0.1:8000 scripts/generate-client.sh   # schema from a running hub
# Then `npm run typecheck`: src/client/contract.ts fails to compile if the hub's shapes drift
# away from what the dashboard reads.
set -o errexit -o pipefail -o nounset

cd "$(dirname "$0")/.."
schema="$(mktemp --suffix=.json)"
trap 'rm -f "$schema"' EXIT

if [[ -n "${HUB_URL:-}" ]]; then
  curl --fail --silent --show-error "$HUB_URL/openapi.json" >"$schema"
else
  (cd .. && .venv/bin/python -c '
import json
from hub.api.app import create_app
from hub.core.config import Settings
print(json.dumps(create_app(Settings()).openapi(), indent=1))
') >"$schema"
fi

npx openapi-typescript "$schema" --output src/client/hub.gen.ts
