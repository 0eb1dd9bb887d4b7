#!/usr/bin/env bash
# Runs CallerGuard locally with no Azure account: the identity emulator (Entra ID keys and the managed identity
# endpoint) and a functions host serving the staged app. Ctrl-C stops both.
# Options: --easy-auth (emulate App Service Authentication), --host-port N, --emulator-port N, --settings FILE.
set -euo pipefail
# shellcheck source=scripts/lib/local-java.sh
. "$(dirname "$0")/lib/local-java.sh"
ensure_built
cd "$root"
exec java -Djava.util.logging.SimpleFormatter.format='%1$tT %4$-7s %3$s: %5$s%6$s%n' \
  -cp "$(local_classpath)" dev.callerguard.local.LocalRun "$@"
