#!/usr/bin/env bash
# Prints a token from the running local emulator:
#   scripts/token.sh <identity> [--resource R]   a managed identity token, through msal4j (apim, intruder, reporter, app)
#   scripts/token.sh --user ada [--scopes 'A B']   a delegated token of a user of the local tenant (scp: the scopes)
#   scripts/token.sh --claims '<json>' [--header '<json>']   any token shape ("exp": null removes exp)
set -euo pipefail
# shellcheck source=scripts/lib/local-java.sh
. "$(dirname "$0")/lib/local-java.sh"
[ $# -ge 1 ] || die "usage: token.sh <identity> [--resource R] | --user <user> [--scopes 'A B'] | --claims '<json>' [--header '<json>']"
ensure_compiled
load_session
exec java -cp "$(local_classpath)" dev.callerguard.local.TokenCli "$@"
