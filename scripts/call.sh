#!/usr/bin/env bash
# Calls a function of the local run the way APIM does: gets the identity's managed identity token with msal4j
# from the emulator (IDENTITY_ENDPOINT / IDENTITY_HEADER), then calls the function and prints status, headers
# and body.   scripts/call.sh [--verbose] <identity> <path> [curl options]   e.g. scripts/call.sh apim /api/hello
# A user of the local tenant (ada) calls with a delegated token from the emulator instead, granting --scopes 'A B'
# (user_impersonation by default):   scripts/call.sh --scopes Orders.Read ada /api/hello
# msal4j's INFO lines are shown only with --verbose; its warnings and errors always are.
set -euo pipefail
# shellcheck source=scripts/lib/local-java.sh
. "$(dirname "$0")/lib/local-java.sh"
verbose=false
scopes=()
while [ $# -gt 0 ]; do
  case $1 in
    --verbose) verbose=true; shift ;;
    --scopes) [ $# -ge 2 ] || die "--scopes needs a value, e.g. --scopes 'Orders.Read Orders.Write'"
              scopes=(--scopes "$2"); shift 2 ;;
    *) break ;;
  esac
done
[ $# -ge 2 ] || die "usage: call.sh [--verbose] [--scopes 'A B'] <identity | user> <path> [curl options]   identities: apim intruder reporter app; users: ada"
identity=$1
path=$2
shift 2
command -v curl >/dev/null || die "curl is not on the PATH"
ensure_compiled
load_session
token=$(java -Dcallerguard.token.verbose="$verbose" -cp "$(local_classpath)" dev.callerguard.local.TokenCli "$identity" ${scopes[@]+"${scopes[@]}"}) \
  || die "no token for '$identity'"
exec curl -sS -i -H "Authorization: Bearer $token" "$@" "$CALLERGUARD_BASE_URL$path"
