#!/usr/bin/env bash
# Runs CallerGuard locally with no Azure account: the identity emulator (Entra ID keys and the managed identity
# endpoint) and a functions host serving the staged app. Ctrl-C stops both.
# Options: --easy-auth (emulate App Service Authentication), --host-port N, --emulator-port N, --settings FILE.
set -euo pipefail
# shellcheck source=scripts/lib/local-java.sh
. "$(dirname "$0")/lib/local-java.sh"
ensure_built
cd "$root"
exec java -cp "$(local_classpath)" dev.callerguard.local.LocalRun "$@"
