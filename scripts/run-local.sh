#!/usr/bin/env bash
# Runs a Java function app locally with no Azure account: the identity emulator (Entra ID keys and the managed
# identity endpoint) and a functions host serving the staged app. Ctrl-C stops both.
#   scripts/run-local.sh [--app DIR] [--settings FILE] [--easy-auth] [--host-port N] [--emulator-port N]
#                        [--metrics-port N]
#   scripts/run-local.sh --emulator-only [--emulator-port N] [--host-port N]
# --app: a staged function app (the folder `mvn package` stages under target/azure-functions/<name>; default the
# sample app, built first when its sources changed); --settings: its local.settings.json (default the sample's).
# Relative paths are taken from the folder you run the script in, so from your own project folder:
#   /path/to/callerguard/scripts/run-local.sh --app target/azure-functions/<name> --settings local.settings.json
# --metrics-port: where the guard's metrics are served in Prometheus text format (default 9464: /metrics); on
# Ctrl-C the host prints one summary line of the decisions.
# --emulator-only: no host, for Core Tools' func start: the emulator alone, and the settings to put in the app's
# local.settings.json (call.sh then calls http://localhost:7071, or the --host-port given).
set -euo pipefail
# shellcheck source=scripts/lib/local-java.sh
. "$(dirname "$0")/lib/local-java.sh"
app_arguments "$@"
ensure_built "$serves_sample"
cd "$root"
exec java -cp "$(local_classpath)" dev.callerguard.local.LocalRun "${app_args[@]}"
