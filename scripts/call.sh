#!/usr/bin/env bash
# Calls a function of the local run the way APIM does: gets the identity's managed identity token with msal4j
# from the emulator (IDENTITY_ENDPOINT / IDENTITY_HEADER), then calls the function and prints status, headers
# and body.   scripts/call.sh [--verbose] <identity> <path> [curl options]   e.g. scripts/call.sh apim /api/hello
# msal4j's INFO lines are shown only with --verbose; its warnings and errors always are.
set -euo pipefail
# shellcheck source=scripts/lib/local-java.sh
. "$(dirname "$0")/lib/local-java.sh"
verbose=false
if [ "${1:-}" = "--verbose" ]; then
  verbose=true
  shift
fi
[ $# -ge 2 ] || die "usage: call.sh [--verbose] <identity> <path> [curl options]   identities: apim intruder reporter app"
identity=$1
path=$2
shift 2
command -v curl >/dev/null || die "curl is not on the PATH"
ensure_compiled
load_session
token=$(java -Dcallerguard.token.verbose="$verbose" -cp "$(local_classpath)" dev.callerguard.local.TokenCli "$identity") \
  || die "no token for '$identity'"
exec curl -sS -i -H "Authorization: Bearer $token" "$@" "$CALLERGUARD_BASE_URL$path"
