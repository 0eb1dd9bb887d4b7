# shellcheck shell=bash
# Shared by deploy.sh and verify.sh: options, config.env loading and validation, and the one `run` helper through
# which every external command goes, so that --dry-run prints exactly the command lines a real run executes.
# Sourced, not run.

azure_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck disable=SC2034 # used by the scripts that source this file
repo_root="$(cd "$azure_dir/../.." && pwd)"
script_name="$(basename "$0")"
config_file="$azure_dir/config.env"
dry_run=false
step_label="start"
work_dir="$(mktemp -d "${TMPDIR:-/tmp}/callerguard-azure.XXXXXX")"
trap 'rm -rf "$work_dir"' EXIT
# Seconds between attempts of a command that Microsoft Graph's replication delay can fail right after a create.
retry_delay="${CALLERGUARD_RETRY_DELAY:-15}"

die() {
  echo "$script_name: ERROR: $*" >&2
  exit 1
}

say() {
  echo "$*"
}

warn() {
  echo "$script_name: WARNING: $*" >&2
}

step() {
  step_label=$1
  echo
  echo "==> $1"
}

# Quotes each argument for a shell only when it needs it, so printed commands stay readable and copy-pasteable.
shell_quote() {
  local plain='^[A-Za-z0-9_@%+=:,./-]+$' arg quoted=()
  for arg in "$@"; do
    if [[ $arg =~ $plain ]]; then
      quoted+=("$arg")
    elif [[ $arg != *"'"* ]]; then
      quoted+=("'$arg'")
    elif [[ $arg != *[\"\$\`\\!]* ]]; then
      quoted+=("\"$arg\"")
    else
      quoted+=("'${arg//\'/\'\\\'\'}'")
    fi
  done
  printf '%s' "${quoted[*]}"
}

# az reports a missing resource with exit code 3 (ResourceNotFoundError) and/or one of these messages.
is_not_found() {
  local status=$1 stderr_file=$2
  [[ $status -eq 3 ]] && return 0
  grep -Eqi "not ?found|does not exist|could not be found|can't find|cannot find" "$stderr_file"
}

# run [--into VAR] [--placeholder TEXT] [--missing-ok] [--retries N] [--in DIR] -- COMMAND [ARGS...]
#   Prints the command, then (unless --dry-run) runs it. Any failure stops the script naming the step and command.
#   --into VAR          store the command's stdout (trimmed) in VAR; in a dry run VAR gets TEXT from --placeholder
#   --missing-ok        a "not found" answer is not a failure: VAR is set to "" (used for look-ups)
#   --retries N         try up to N times, $retry_delay seconds apart (Microsoft Graph replication delays)
#   --in DIR            run in DIR
run() {
  local into="" placeholder="" missing_ok=false retries=1 dir=""
  while [[ $# -gt 0 && $1 != -- ]]; do
    case $1 in
      --into) into=$2; shift 2 ;;
      --placeholder) placeholder=$2; shift 2 ;;
      --missing-ok) missing_ok=true; shift ;;
      --retries) retries=$2; shift 2 ;;
      --in) dir=$2; shift 2 ;;
      *) die "run: unknown option $1" ;;
    esac
  done
  [[ ${1:-} == -- ]] && shift
  [[ $# -gt 0 ]] || die "run: no command"

  local printed
  printed=$(shell_quote "$@")
  [[ -n $dir ]] && printed="(cd $(shell_quote "$dir") && $printed)"
  if $dry_run; then
    echo "  [dry-run] $printed"
    [[ -n $into ]] && printf -v "$into" '%s' "$placeholder"
    return 0
  fi
  echo "  \$ $printed"

  local attempt=1 status output stderr_file="$work_dir/stderr"
  while true; do
    status=0
    output=""
    if [[ -n $into ]]; then
      output=$(cd "${dir:-.}" && "$@" 2>"$stderr_file") || status=$?
    else
      (cd "${dir:-.}" && "$@") 2>"$stderr_file" || status=$?
    fi
    if [[ $status -eq 0 ]]; then
      [[ -s $stderr_file ]] && sed 's/^/    /' "$stderr_file" >&2
      break
    fi
    if $missing_ok && is_not_found "$status" "$stderr_file"; then
      output=""
      break
    fi
    if [[ $attempt -ge $retries ]]; then
      sed 's/^/    /' "$stderr_file" >&2
      die "step '$step_label' failed (exit $status) running: $printed"
    fi
    echo "    (attempt $attempt of $retries failed, retrying in ${retry_delay}s: $(head -c 300 "$stderr_file" | tr '\n' ' '))" >&2
    attempt=$((attempt + 1))
    sleep "$retry_delay"
  done
  if [[ -n $into ]]; then
    output=${output//$'\r'/}
    output=${output%"${output##*[![:space:]]}"}
    output=${output#"${output%%[![:space:]]*}"}
    printf -v "$into" '%s' "$output"
  fi
}

# The JSON string literal of $1 (quotes, backslashes and control characters escaped).
json_string() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  printf '"%s"' "$s"
}

# Writes stdin to $work_dir/NAME and, in a dry run, shows it under the command that will send it.
write_body() {
  local file="$work_dir/$1"
  cat >"$file"
  if $dry_run; then
    echo "  [dry-run] body of $1:"
    sed 's/^/      /' "$file"
  fi
}

parse_common_options() {
  while [[ $# -gt 0 ]]; do
    case $1 in
      --dry-run) dry_run=true; shift ;;
      --config)
        [[ $# -ge 2 ]] || die "--config needs a file"
        config_file=$2
        shift 2
        ;;
      -h | --help)
        sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
      *) die "unknown option '$1' (try --help)" ;;
    esac
  done
}

# Loads config.env and reports every problem at once, each naming the setting and a good value.
# Sets apim_name, apim_resource_group, apim_existing, additional_callers (array of lower-case object ids),
# allow_relay and existing_function_app (true/false), and staged_app_dir (STAGED_APP_DIR made absolute, with
# DEPLOY_CODE "staged" or "none") for the scripts that source this file.
# shellcheck disable=SC2034
load_config() {
  [[ -f $config_file ]] ||
    die "no settings file $config_file: copy $azure_dir/config.env.example to $azure_dir/config.env and edit it"
  AZURE_SUBSCRIPTION="" LOCATION="" RESOURCE_GROUP="" STORAGE_ACCOUNT="" FUNCTION_APP_NAME=""
  APP_REGISTRATION_NAME="" APIM_NAME="" APIM_SKU="" APIM_PUBLISHER_EMAIL="" APIM_PUBLISHER_NAME=""
  APIM_EXISTING_NAME="" APIM_EXISTING_RESOURCE_GROUP="" APIM_API_ID="" APIM_API_PATH=""
  ADDITIONAL_CALLERS="" ALLOW_RELAY="false"
  HOSTING_PLAN="flex" JAVA_VERSION="17" INSTANCE_MEMORY_MB="2048" MAXIMUM_INSTANCE_COUNT="40"
  EXISTING_FUNCTION_APP="false" DEPLOY_CODE="sample" STAGED_APP_DIR="" APP_REGISTRATION_CLIENT_ID=""
  APP_INSIGHTS_NAME="callerguard-insights" LOG_ANALYTICS_WORKSPACE_NAME="callerguard-logs"
  # shellcheck source=/dev/null # config.env: KEY="value" lines, see config.env.example
  . "$config_file"

  local problems=()
  [[ $LOCATION =~ ^[a-z0-9]+$ ]] || problems+=("LOCATION must be a region name such as \"westeurope\"")
  [[ $RESOURCE_GROUP =~ ^[-A-Za-z0-9_.()]{1,90}$ ]] ||
    problems+=("RESOURCE_GROUP must be 1-90 letters, digits, - _ . ( ), e.g. \"callerguard-rg\"")
  [[ $EXISTING_FUNCTION_APP == true || $EXISTING_FUNCTION_APP == false ]] ||
    problems+=("EXISTING_FUNCTION_APP must be \"true\" (use the function app FUNCTION_APP_NAME that exists) or \"false\" (create it when missing)")
  existing_function_app=false
  [[ $EXISTING_FUNCTION_APP == true ]] && existing_function_app=true
  # An existing function app brings its own storage account: STORAGE_ACCOUNT is only used to create one.
  if ! $existing_function_app; then
    [[ $STORAGE_ACCOUNT =~ ^[a-z0-9]{3,24}$ ]] ||
      problems+=("STORAGE_ACCOUNT must be 3-24 lower-case letters and digits, e.g. \"callerguardstore01\"")
  fi
  [[ $HOSTING_PLAN == flex || $HOSTING_PLAN == consumption ]] ||
    problems+=("HOSTING_PLAN must be \"flex\" (Flex Consumption) or \"consumption\" (the legacy Linux Consumption plan)")
  [[ $JAVA_VERSION == 17 || $JAVA_VERSION == 21 ]] || problems+=("JAVA_VERSION must be \"17\" or \"21\"")
  # Flex Consumption's instance sizes and scale-out limits (learn.microsoft.com/azure/azure-functions/flex-consumption-plan).
  [[ $INSTANCE_MEMORY_MB == 512 || $INSTANCE_MEMORY_MB == 2048 || $INSTANCE_MEMORY_MB == 4096 ]] ||
    problems+=("INSTANCE_MEMORY_MB must be \"512\", \"2048\" or \"4096\" (Flex Consumption instance memory in MB), e.g. \"2048\"")
  [[ $MAXIMUM_INSTANCE_COUNT =~ ^[1-9][0-9]{1,3}$ ]] && ((MAXIMUM_INSTANCE_COUNT >= 40 && MAXIMUM_INSTANCE_COUNT <= 1000)) ||
    problems+=("MAXIMUM_INSTANCE_COUNT must be a whole number from 40 to 1000 (Flex Consumption scale-out limit), e.g. \"40\"")
  [[ $FUNCTION_APP_NAME =~ ^[A-Za-z0-9][-A-Za-z0-9]{0,58}[A-Za-z0-9]$ ]] ||
    problems+=("FUNCTION_APP_NAME must be 2-60 letters, digits and dashes, e.g. \"callerguard-func-01\"")
  [[ -n $APP_REGISTRATION_NAME ]] || problems+=("APP_REGISTRATION_NAME is required, e.g. \"CallerGuard API\"")
  [[ -z $APP_INSIGHTS_NAME || $APP_INSIGHTS_NAME =~ ^[A-Za-z0-9][-A-Za-z0-9_.()]{0,254}$ ]] ||
    problems+=("APP_INSIGHTS_NAME must be 1-255 letters, digits, - _ . ( ) starting with a letter or digit, e.g. \"callerguard-insights\", or empty to leave the app's monitoring alone")
  [[ -z $APP_INSIGHTS_NAME || $LOG_ANALYTICS_WORKSPACE_NAME =~ ^[A-Za-z0-9][-A-Za-z0-9]{2,61}[A-Za-z0-9]$ ]] ||
    problems+=("LOG_ANALYTICS_WORKSPACE_NAME must be 4-63 letters, digits and dashes, e.g. \"callerguard-logs\"")
  [[ -z $APP_REGISTRATION_CLIENT_ID || $APP_REGISTRATION_CLIENT_ID =~ ^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$ ]] ||
    problems+=("APP_REGISTRATION_CLIENT_ID must be the client id (a GUID such as \"00000000-0000-0000-0000-000000000000\") of the API's app registration, or empty")
  [[ $APIM_API_ID =~ ^[A-Za-z0-9][-A-Za-z0-9_]*$ ]] || problems+=("APIM_API_ID is required, e.g. \"callerguard\"")
  [[ $APIM_API_PATH =~ ^[A-Za-z0-9][-A-Za-z0-9_/]*$ ]] || problems+=("APIM_API_PATH is required, e.g. \"callerguard\"")
  local apim_name_pattern='^[A-Za-z][-A-Za-z0-9]{0,48}[A-Za-z0-9]$'
  if [[ -n $APIM_EXISTING_NAME || -n $APIM_EXISTING_RESOURCE_GROUP ]]; then
    [[ $APIM_EXISTING_NAME =~ $apim_name_pattern ]] ||
      problems+=("APIM_EXISTING_NAME must name the existing API Management instance when APIM_EXISTING_RESOURCE_GROUP is set")
    [[ -n $APIM_EXISTING_RESOURCE_GROUP ]] ||
      problems+=("APIM_EXISTING_RESOURCE_GROUP must name the resource group of APIM_EXISTING_NAME")
    apim_name=$APIM_EXISTING_NAME
    apim_resource_group=$APIM_EXISTING_RESOURCE_GROUP
    apim_existing=true
  else
    [[ $APIM_NAME =~ $apim_name_pattern ]] ||
      problems+=("APIM_NAME must be 2-50 letters, digits and dashes starting with a letter, e.g. \"callerguard-apim-01\"")
    [[ $APIM_SKU == Consumption || $APIM_SKU == Developer ]] ||
      problems+=("APIM_SKU must be \"Consumption\" or \"Developer\"")
    [[ $APIM_PUBLISHER_EMAIL == ?*@?*.?* ]] ||
      problems+=("APIM_PUBLISHER_EMAIL must be an e-mail address, e.g. \"admin@example.com\"")
    [[ -n $APIM_PUBLISHER_NAME ]] || problems+=("APIM_PUBLISHER_NAME is required, e.g. \"Contoso\"")
    apim_name=$APIM_NAME
    apim_resource_group=$RESOURCE_GROUP
    apim_existing=false
  fi
  # ADDITIONAL_CALLERS: object ids separated by spaces and/or commas; lower-cased, duplicates dropped.
  local guid_pattern='^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$'
  local caller_words=() caller bad_callers=()
  additional_callers=()
  IFS=$' \t\n,' read -r -d '' -a caller_words <<<"$ADDITIONAL_CALLERS" || true
  for caller in "${caller_words[@]}"; do
    [[ -n $caller ]] || continue
    if [[ ! $caller =~ $guid_pattern ]]; then
      bad_callers+=("\"$caller\"")
    elif [[ " ${additional_callers[*]} " != *" ${caller,,} "* ]]; then
      additional_callers+=("${caller,,}")
    fi
  done
  [[ ${#bad_callers[@]} -eq 0 ]] ||
    problems+=("ADDITIONAL_CALLERS must be object ids (GUIDs such as \"00000000-0000-0000-0000-000000000000\") of service principals or managed identities, separated by spaces or commas; not an object id: ${bad_callers[*]}")
  [[ $ALLOW_RELAY == true || $ALLOW_RELAY == false ]] || problems+=("ALLOW_RELAY must be \"true\" or \"false\"")
  staged_app_dir=""
  case $DEPLOY_CODE in
    sample) ;;
    staged | none)
      local example="e.g. \"\$HOME/orders-app/target/azure-functions/orders-app\""
      if [[ -z $STAGED_APP_DIR ]]; then
        problems+=("STAGED_APP_DIR is required with DEPLOY_CODE=\"$DEPLOY_CODE\": the folder mvn package stages your app in, $example")
      elif [[ ! -f $STAGED_APP_DIR/host.json ]] || ! compgen -G "$STAGED_APP_DIR/*/function.json" >/dev/null; then
        problems+=("STAGED_APP_DIR must be a staged function app (host.json and one folder per function with its function.json, as mvn package stages it), $example; not one: $STAGED_APP_DIR")
      elif [[ $DEPLOY_CODE == staged ]] && ! compgen -G "$STAGED_APP_DIR/lib/callerguard-[0-9]*.jar" >/dev/null; then
        problems+=("STAGED_APP_DIR must hold the CallerGuard library (lib/callerguard-<version>.jar), or its functions answer every caller Easy Auth lets in: add the dependency dev.callerguard:callerguard (README, \"Add CallerGuard to your function app\") and run mvn package; not in: $STAGED_APP_DIR")
      else
        staged_app_dir=$(cd "$STAGED_APP_DIR" && pwd)
      fi
      ;;
    *)
      problems+=("DEPLOY_CODE must be \"sample\" (build and deploy the sample app), \"staged\" (deploy your staged app in STAGED_APP_DIR) or \"none\" (leave the app's code as it is)")
      ;;
  esac
  allow_relay=false
  [[ $ALLOW_RELAY == true ]] && allow_relay=true
  # For an exact OData match ("az ad app list --display-name" matches names that start with it).
  app_name_odata=${APP_REGISTRATION_NAME//\'/\'\'}
  if [[ ${#problems[@]} -gt 0 ]]; then
    printf '%s: ERROR: %s\n' "$script_name" "${problems[@]/#/in $config_file: }" >&2
    exit 1
  fi
}

require_tools() {
  $dry_run && return 0
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not on the PATH"
  done
}
