#!/usr/bin/env bash
# End-to-end speed of the caller check on this machine, over loopback only. Builds if needed, starts its own local
# run (identity emulator + functions host on free ports), gets the apim token as scripts/token.sh does, and stops
# everything when it ends.
#
#   scripts/load.sh [--duration S] [--warmup S] [--connections N] [--tool auto|wrk|java] [--host-log info|quiet]
#                   [--host-nodelay true|false] [--host-jvm "OPTS"] [--host-port N] [--emulator-port N]
#       Load of GET /api/health (unguarded; also with the token header, to split off the cost of carrying it) and
#       GET /api/hello with the apim token (guarded), each for S seconds
#       (default 20, after a 5 s warm-up) at N concurrent connections (default 32): req/s, p50, p99, and the check's
#       cost as a share of throughput (1 - hello/health). --tool auto uses wrk when installed (and installs it with
#       apt-get when missing, apt is there and we are root), else the Java load generator in LoadDriver.
#       --host-log quiet sets the host's java.util.logging to WARNING (default: INFO to a log file, as the local run).
#       The host runs with -Dsun.net.httpserver.nodelay=true unless --host-nodelay false: without it the JDK HTTP
#       server's Nagle/delayed-ACK stall (~40 ms per keep-alive request) caps both routes alike and hides the check.
#
#   scripts/load.sh --cold-start [--runs N] [--key-delay-ms MS] [--host-log info|quiet] [--host-nodelay true|false]
#                   [--host-jvm "OPTS"]
#       Starts the host 2N times (default N=5): time from the host JVM's spawn to the first 200 of /api/hello with
#       the token, and of /api/health (then one /api/hello); when the check fetched its keys; min/median/max. The
#       key endpoint answers after MS milliseconds (default 150: Entra over the internet, roughly).
#   Both serve the sample app with its local.settings.json, or --app DIR with --settings FILE as scripts/run-local.sh,
#   each setting overridden by the environment, e.g. CALLERGUARD_CRYPTO=jdk scripts/load.sh --cold-start.
set -euo pipefail
# shellcheck source=scripts/lib/local-java.sh
. "$(dirname "$0")/lib/local-java.sh"

mode=load
args=()
tool=auto
while [ $# -gt 0 ]; do
  case "$1" in
    --cold-start) mode=cold-start; shift ;;
    --tool) [ $# -ge 2 ] || die "--tool needs a value"; tool="$2"; shift 2 ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --duration|--warmup|--connections|--host-log|--host-nodelay|--host-jvm|--host-port|--emulator-port|--runs|--key-delay-ms|--app|--settings)
      [ $# -ge 2 ] || die "$1 needs a value"
      args+=("$1" "$2"); shift 2 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done

if [ "$mode" = load ]; then
  case "$tool" in
    auto)
      if ! command -v wrk >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
        echo "wrk is not installed; installing it with apt-get (Debian package wrk)..." >&2
        apt-get install -y -q wrk >/dev/null 2>&1 || echo "could not install wrk; using the Java load generator" >&2
      fi
      if command -v wrk >/dev/null 2>&1; then tool=wrk; else tool=java; fi
      ;;
    wrk) command -v wrk >/dev/null 2>&1 || die "wrk is not on the PATH (apt-get install wrk, or --tool java)" ;;
    java) ;;
    *) die "--tool auto|wrk|java" ;;
  esac
  args+=(--tool "$tool")
fi

app_arguments ${args[@]+"${args[@]}"}
ensure_built "$serves_sample"
cd "$root"
exec java -cp "$(local_classpath)" dev.callerguard.local.LoadDriver "$mode" "${app_args[@]}"
