#!/usr/bin/env bash
# Runs a Java function app locally with no Azure account: the identity emulator (Entra ID keys and the managed
# identity endpoint) and a functions host serving the staged app. Ctrl-C stops both.
#   scripts/run-local.sh [--app DIR] [--settings FILE] [--easy-auth] [--host-port N] [--emulator-port N]
# --app: a staged function app (the folder `mvn package` stages under target/azure-functions/<name>; default the
# sample app, built first when its sources changed); --settings: its local.settings.json (default the sample's).
# Relative paths are taken from the folder you run the script in, so from your own project folder:
#   /path/to/callerguard/scripts/run-local.sh --app target/azure-functions/<name> --settings local.settings.json
set -euo pipefail
# shellcheck source=scripts/lib/local-java.sh
. "$(dirname "$0")/lib/local-java.sh"
app_arguments "$@"
ensure_built
cd "$root"
exec java -cp "$(local_classpath)" dev.callerguard.local.LocalRun "${app_args[@]}"
