#!/usr/bin/env bash
# Why 401/403? Prints a token's header and claims and each CallerGuard rule's verdict, with the check's own code.
#   scripts/explain.sh <token | X-MS-CLIENT-PRINCIPAL value> [--settings local.settings.json] [--keys URL|FILE]
#                      [--at 2026-11-27T12:00:00Z] [--scopes A,B] [--roles A,B]
# --scopes and --roles judge it as a function whose guard adds requiringScopes(A, B) or requiringRoles(A, B).
# The credential may also come on stdin. Settings come from the environment unless --settings names a file.
# Offline unless --keys is given. Exit status 0 only when every rule passes.
set -euo pipefail
# shellcheck source=scripts/lib/local-java.sh
. "$(dirname "$0")/lib/local-java.sh"
ensure_built devkit
exec java -cp "$(local_classpath)" dev.callerguard.local.ExplainCli "$@"
