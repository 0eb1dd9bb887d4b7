#!/usr/bin/env bash
# Deploys CallerGuard to Azure with the az CLI, so that only API Management's managed identity can call it:
# resource group, storage, a Linux function app (Flex Consumption by default, Java 17 or 21, system identity) or
# an existing function app of any plan, the Entra app registration of its API (api://<client-id>, app roles,
# v2 tokens) and its service principal (assignment required), API Management with a system identity, Easy Auth
# (authsettingsV2) allowing only that identity, the app role Function.Invoke assigned to it, the CallerGuard app
# settings, the code (Maven plugin), and an APIM API whose policy calls the function with the managed identity's
# token.
# Further callers (ADDITIONAL_CALLERS, and the app's own identity with ALLOW_RELAY=true) get the same three layers:
# the app role Function.Invoke, Easy Auth's allowed identities and applications, and CALLERGUARD_ALLOWED_CALLERS.
#
# Idempotent: each resource is looked up first and created only when missing; reruns reuse what exists.
#
#   scripts/azure/deploy.sh [--dry-run] [--config FILE]
#     --dry-run      print every command with its values (placeholders such as <function-client-id> for what
#                    only Azure can answer), run none, exit 0
#     --config FILE  settings file (default scripts/azure/config.env; see config.env.example)
#
# Needs: az CLI 2.60 or later (logged in: az login; creating a Flex Consumption app also grants the app's
# identity a role on the storage account, which needs Owner or User Access Administrator there), Maven and
# Java 17 for the code deployment; no jq.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"

readonly named_value_id="callerguard-app-id-uri"
readonly policy_file="$azure_dir/apim-policy.xml"
readonly migration_doc="https://learn.microsoft.com/azure/azure-functions/migration/migrate-plan-consumption-to-flex?pivots=platform-linux"
# Every function and method of the sample app, as APIM operations: operation id, method, URL template.
readonly sample_operations=(
  "health-get GET /health"
  "whoami-get GET /whoami"
  "hello-get GET /hello"
  "hello-post POST /hello"
  "reports-get GET /reports"
  "relay-get GET /relay"
)

# The APIM operations of the staged app in $1, one per HTTP function and method, as "id METHOD /template": from the
# function.json files azure-functions-maven-plugin writes (a function without a route is reached at its name, one
# without methods by GET and POST).
staged_operations() {
  local json text name route methods method
  for json in "$1"/*/function.json; do
    text=$(tr -d '\n\r' <"$json")
    grep -q '"type" *: *"httpTrigger"' <<<"$text" || continue
    name=$(basename "$(dirname "$json")")
    route=$(sed -n 's/.*"route" *: *"\([^"]*\)".*/\1/p' <<<"$text")
    methods=$(sed -n 's/.*"methods" *: *\[\([^]]*\)\].*/\1/p' <<<"$text" | tr -d ' \t"' | tr ',' ' ')
    read -ra methods <<<"${methods:-GET POST}"
    for method in "${methods[@]}"; do
      method=${method^^}
      echo "${name,,}-${method,,} $method /${route:-$name}"
    done
  done
}

# The routePrefix of the staged app's host.json in $1 ("api" when it sets none).
staged_route_prefix() {
  local prefix
  if grep -q '"routePrefix"' "$1/host.json"; then
    prefix=$(sed -n 's/.*"routePrefix" *: *"\([^"]*\)".*/\1/p' "$1/host.json" | head -n 1)
  else
    prefix=api
  fi
  echo "$prefix"
}

# Assigned by `run --into` (which shellcheck cannot follow).
group_exists="" has_uri="" other_roles="" invoke_role_id="" reports_role_id="" app_object_id="" signed_in_user="" owned=""
guard_settings=""
assignment_required="" apim_gateway="" function_identity_client_id="" container_exists="" app_kind=""
app_sku="" plan_id="" plan_tier=""

parse_common_options "$@"
load_config
# Your app's functions as APIM operations, worked out before anything changes. API Management needs every route
# parameter declared (and knows no constraints or catch-alls), which deploy.sh does not do yet.
if [[ $DEPLOY_CODE == sample ]]; then
  operations=("${sample_operations[@]}")
  route_prefix=api
else
  mapfile -t operations < <(staged_operations "$staged_app_dir")
  route_prefix=$(staged_route_prefix "$staged_app_dir")
  [[ ${#operations[@]} -gt 0 ]] || die "STAGED_APP_DIR $staged_app_dir has no HTTP function: nothing to put behind API Management"
  for operation in "${operations[@]}"; do
    read -r _ method url_template <<<"$operation"
    [[ $method =~ ^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$ ]] ||
      die "STAGED_APP_DIR: a function answers method '$method': deploy.sh puts GET, POST, PUT, PATCH, DELETE, HEAD and OPTIONS behind API Management; list the methods in the function's @HttpTrigger"
    [[ $url_template != *"{"* ]] ||
      die "STAGED_APP_DIR: the route $url_template has parameters, which deploy.sh cannot put behind API Management yet (APIM needs each declared); create that operation in API Management yourself, or use a route without parameters"
  done
fi
if [[ $DEPLOY_CODE == none ]]; then
  warn "DEPLOY_CODE=none: deploy.sh cannot see the code deployed to $FUNCTION_APP_NAME; it must carry CallerGuard, or its functions answer every caller Easy Auth lets in"
fi
require_tools az mvn
$existing_function_app && require_tools jar
[[ -f $policy_file ]] || die "missing $policy_file"
grep -q "{{$named_value_id}}" "$policy_file" || die "$policy_file must use the named value {{$named_value_id}}"
if $dry_run; then
  say "Dry run: the commands of a deployment from scratch, with <placeholders> for what only Azure returns."
  say "Nothing is run."
fi

new_guid() {
  local guid
  if command -v uuidgen >/dev/null 2>&1; then
    guid=$(uuidgen)
  elif [[ -r /proc/sys/kernel/random/uuid ]]; then
    guid=$(cat /proc/sys/kernel/random/uuid)
  else
    die "cannot make a GUID: install uuidgen"
  fi
  printf '%s' "$guid" | tr '[:upper:]' '[:lower:]'
}

# ---------------------------------------------------------------------------------------------------------------
if [[ ${#additional_callers[@]} -gt 0 ]]; then
  step "1/12 Azure account: tenant, subscription and additional callers"
else
  step "1/12 Azure account: tenant and subscription"
fi
if [[ -n $AZURE_SUBSCRIPTION ]]; then
  run -- az account set --subscription "$AZURE_SUBSCRIPTION"
fi
run --into tenant_id --placeholder "<tenant-id>" -- az account show --query tenantId -o tsv
run --into subscription_id --placeholder "${AZURE_SUBSCRIPTION:-<subscription-id>}" -- \
  az account show --query id -o tsv
[[ -n $tenant_id && -n $subscription_id ]] || die "az account show returned no tenant or subscription: run az login"
say "tenant $tenant_id, subscription $subscription_id"
# Looked up before anything is created, so that a wrong id stops the script early.
additional_client_ids=()
for caller in "${additional_callers[@]}"; do
  caller_client_id=""
  run --missing-ok --into caller_client_id --placeholder "<client-id-of-$caller>" -- \
    az ad sp show --id "$caller" --query appId -o tsv
  [[ -n $caller_client_id ]] ||
    die "ADDITIONAL_CALLERS: no service principal or managed identity with object id $caller in tenant" \
      "$tenant_id (users and groups cannot be callers): check the id with 'az ad sp show --id $caller'" \
      "or remove it from ADDITIONAL_CALLERS in $config_file"
  [[ ${caller_client_id,,} != "$caller" ]] ||
    die "ADDITIONAL_CALLERS: $caller is the client id (appId) of a service principal, not its object id:" \
      "use the object id ('az ad sp show --id $caller --query id -o tsv')"
  additional_client_ids+=("$caller_client_id")
  say "additional caller: object id $caller, client id $caller_client_id"
done

# ---------------------------------------------------------------------------------------------------------------
step "2/12 Resource group $RESOURCE_GROUP"
group_placeholder=false
$existing_function_app && group_placeholder=true
run --into group_exists --placeholder "$group_placeholder" -- az group exists --name "$RESOURCE_GROUP" -o tsv
if [[ $group_exists == true ]]; then
  say "reusing resource group $RESOURCE_GROUP"
elif $existing_function_app; then
  die "EXISTING_FUNCTION_APP=true, but the resource group $RESOURCE_GROUP does not exist: set RESOURCE_GROUP to" \
    "the resource group of the function app $FUNCTION_APP_NAME"
else
  say "creating resource group $RESOURCE_GROUP in $LOCATION"
  run -- az group create --name "$RESOURCE_GROUP" --location "$LOCATION" --output none
fi

# ---------------------------------------------------------------------------------------------------------------
# The blob container of a Flex Consumption app's deployment package: the CLI's own naming (app-package-<app>),
# within a container name's 3-63 lower-case letters, digits and single dashes.
deployment_container="app-package-${FUNCTION_APP_NAME,,}"
while [[ $deployment_container == *--* ]]; do
  deployment_container=${deployment_container//--/-}
done
deployment_container=${deployment_container:0:63}
deployment_container=${deployment_container%-}

if $existing_function_app; then
  step "3/12 Storage account: the existing function app's own"
  say "EXISTING_FUNCTION_APP=true: $FUNCTION_APP_NAME keeps its storage; STORAGE_ACCOUNT is not used"
else
  step "3/12 Storage account $STORAGE_ACCOUNT"
  run --missing-ok --into storage_id -- \
    az storage account show --name "$STORAGE_ACCOUNT" --resource-group "$RESOURCE_GROUP" --query id -o tsv
  if [[ -n $storage_id ]]; then
    say "reusing storage account $STORAGE_ACCOUNT"
  else
    say "creating storage account $STORAGE_ACCOUNT (StorageV2, TLS 1.2, no public blob access)"
    run -- az storage account create --name "$STORAGE_ACCOUNT" --resource-group "$RESOURCE_GROUP" \
      --location "$LOCATION" --sku Standard_LRS --kind StorageV2 --min-tls-version TLS1_2 \
      --allow-blob-public-access false --https-only true --output none
  fi
fi

# ---------------------------------------------------------------------------------------------------------------
# app_show VAR PLACEHOLDER QUERY: VAR gets the answer of `az functionapp show ... --query QUERY -o tsv` for the
# function app (PLACEHOLDER in a dry run).
app_show() {
  run --into "$1" --placeholder "$2" -- \
    az functionapp show --name "$FUNCTION_APP_NAME" --resource-group "$RESOURCE_GROUP" --query "$3" -o tsv
}

# app_settings_query VAR PLACEHOLDER QUERY: as app_show, over the function app's app settings. Only counts and
# values that are not secret are asked for: a secret's value must never be read into the script.
app_settings_query() {
  run --into "$1" --placeholder "$2" -- az functionapp config appsettings list --name "$FUNCTION_APP_NAME" \
    --resource-group "$RESOURCE_GROUP" --query "$3" -o tsv
}

# connect_app_insights: the Application Insights component APP_INSIGHTS_NAME (created with its Log Analytics
# workspace when missing) becomes the function app's, and the Application Insights Java agent is enabled, without
# which nothing is exported on Flex Consumption (the worker loads the agent disabled unless
# APPLICATIONINSIGHTS_ENABLE_AGENT is true; az functionapp create does not set it there). That agent is what records
# CallerGuard's OpenTelemetry metrics. An app that has a connection string keeps it. Adds to app_settings, which
# step 10 sets in one call (each change of app settings restarts the app). The connection string is an identifier,
# not a credential (Microsoft: an instrumentation key is not a security token), and still never printed: it reaches
# the app in a settings file of the work folder.
connect_app_insights() {
  local has_connection="" storage_setting="" agent_setting="" ai_id="" workspace_id="" connection=""
  local arm="https://management.azure.com/subscriptions/$subscription_id/resourceGroups/$RESOURCE_GROUP/providers"
  local ai_uri="$arm/Microsoft.Insights/components/$APP_INSIGHTS_NAME?api-version=2020-02-02"
  local workspace_uri="$arm/Microsoft.OperationalInsights/workspaces/$LOG_ANALYTICS_WORKSPACE_NAME?api-version=2023-09-01"
  if [[ -z $APP_INSIGHTS_NAME ]]; then
    warn "APP_INSIGHTS_NAME is empty: $FUNCTION_APP_NAME's monitoring is left as it is. CallerGuard's metrics reach" \
      "Application Insights only where the app has APPLICATIONINSIGHTS_CONNECTION_STRING and" \
      "APPLICATIONINSIGHTS_ENABLE_AGENT=true"
    return 0
  fi
  # ApplicationInsights-Java issue 4712: on Flex Consumption with identity-based host storage (no AzureWebJobsStorage
  # setting) the agent never finishes its start for the app, so it exports no metrics. Names only are asked for.
  if [[ $function_plan == flex ]]; then
    app_settings_query storage_setting "AzureWebJobsStorage" "[?name=='AzureWebJobsStorage'].name | [0]"
    [[ -n $storage_setting ]] ||
      warn "$FUNCTION_APP_NAME has no AzureWebJobsStorage setting (identity-based host storage): on Flex Consumption" \
        "the Application Insights Java agent then does not finish starting for the app and exports no metrics" \
        "(github.com/microsoft/ApplicationInsights-Java/issues/4712), so CallerGuard's metrics do not arrive" \
        "until that is fixed"
  fi
  # The agent's switch is not a secret: its value is read, and an owner's "false" is kept.
  app_settings_query agent_setting "" "[?name=='APPLICATIONINSIGHTS_ENABLE_AGENT'].value | [0]"
  local enable_agent=("APPLICATIONINSIGHTS_ENABLE_AGENT=true")
  if [[ ${agent_setting,,} == false ]]; then
    warn "$FUNCTION_APP_NAME has APPLICATIONINSIGHTS_ENABLE_AGENT=false: kept, so the Java agent exports nothing" \
      "and CallerGuard's metrics do not reach Application Insights; set it to true to export them"
    enable_agent=()
  fi
  # A connection string, or the legacy instrumentation key, is the app's own monitoring: kept.
  app_settings_query has_connection "" \
    "[?name=='APPLICATIONINSIGHTS_CONNECTION_STRING' || name=='APPINSIGHTS_INSTRUMENTATIONKEY'].name | [0]"
  if [[ -n $has_connection ]]; then
    say "$FUNCTION_APP_NAME already sends its telemetry to Application Insights ($has_connection): kept"
    app_settings+=(${enable_agent[@]+"${enable_agent[@]}"})
    return 0
  fi
  run --missing-ok --into ai_id --placeholder "" -- az rest --method GET --uri "$ai_uri" --query id -o tsv
  if [[ -n $ai_id ]]; then
    say "using Application Insights $APP_INSIGHTS_NAME"
  else
    run --missing-ok --into workspace_id --placeholder "" -- az rest --method GET --uri "$workspace_uri" --query id -o tsv
    if [[ -n $workspace_id ]]; then
      say "using Log Analytics workspace $LOG_ANALYTICS_WORKSPACE_NAME"
    else
      say "creating Log Analytics workspace $LOG_ANALYTICS_WORKSPACE_NAME (pay as you go, 30 days' retention)"
      write_body log-analytics-workspace.json <<EOF
{
  "location": "$LOCATION",
  "properties": {"sku": {"name": "PerGB2018"}, "retentionInDays": 30}
}
EOF
      run --into workspace_id --placeholder "<id-of-$LOG_ANALYTICS_WORKSPACE_NAME>" -- az rest --method PUT \
        --uri "$workspace_uri" --headers Content-Type=application/json \
        --body "@$work_dir/log-analytics-workspace.json" --query id -o tsv
    fi
    say "creating Application Insights $APP_INSIGHTS_NAME (workspace-based, in $LOG_ANALYTICS_WORKSPACE_NAME)"
    write_body app-insights.json <<EOF
{
  "location": "$LOCATION",
  "kind": "web",
  "properties": {"Application_Type": "web", "WorkspaceResourceId": $(json_string "$workspace_id")}
}
EOF
    run --into ai_id --placeholder "<id-of-$APP_INSIGHTS_NAME>" -- az rest --method PUT --uri "$ai_uri" \
      --headers Content-Type=application/json --body "@$work_dir/app-insights.json" --query id -o tsv
  fi
  run --into connection --placeholder "<connection-string-of-$APP_INSIGHTS_NAME>" -- \
    az rest --method GET --uri "$ai_uri" --query properties.ConnectionString -o tsv
  [[ -n $connection ]] || die "Application Insights $APP_INSIGHTS_NAME has no connection string"
  write_body app-insights-settings.json <<EOF
[{"name": "APPLICATIONINSIGHTS_CONNECTION_STRING", "value": $(json_string "$connection"), "slotSetting": false}]
EOF
  say "connecting $FUNCTION_APP_NAME to Application Insights $APP_INSIGHTS_NAME and enabling the Java agent"
  app_settings+=(${enable_agent[@]+"${enable_agent[@]}"} "@$work_dir/app-insights-settings.json")
}

# describe_hosting: sets function_plan (flex, consumption, premium or dedicated), function_os (linux or windows)
# and hosting (words for people) from the function app as Azure describes it. `az functionapp show` returns a
# Flex Consumption app as Azure Resource Manager's JSON (properties.sku, properties.serverFarmId) and any other app
# as the SDK's flattened model (appServicePlanId, no sku): each query asks for both shapes.
describe_hosting() {
  app_show app_kind "functionapp,linux" kind
  function_os=windows
  [[ $app_kind == *linux* ]] && function_os=linux
  app_show app_sku "" properties.sku
  if [[ $app_sku == FlexConsumption ]]; then
    function_plan=flex
    hosting="Flex Consumption plan, $function_os"
    return 0
  fi
  app_show plan_id "<app-service-plan-id>" "appServicePlanId || properties.serverFarmId"
  [[ -n $plan_id ]] || die "the function app $FUNCTION_APP_NAME has no App Service plan"
  run --into plan_tier --placeholder "<plan-tier>" -- az functionapp plan show --ids "$plan_id" --query sku.tier -o tsv
  case $plan_tier in
    FlexConsumption) function_plan=flex hosting="Flex Consumption plan, $function_os" ;;
    Dynamic) function_plan=consumption hosting="Consumption plan, $function_os" ;;
    ElasticPremium) function_plan=premium hosting="Elastic Premium plan, $function_os" ;;
    *) function_plan=dedicated hosting="App Service plan (tier ${plan_tier:-unknown}), $function_os" ;;
  esac
  if $dry_run; then
    function_plan=$HOSTING_PLAN hosting="the plan Azure reports, $function_os"
  fi
}

# check_existing_app: stops unless the existing function app can take CallerGuard's package by zip deployment:
# a Java 17 or 21 app of Functions v4 (Flex: functionAppConfig.runtime; other Linux apps: linuxFxVersion "Java|17";
# Windows: javaVersion "17", and on both FUNCTIONS_WORKER_RUNTIME=java and FUNCTIONS_EXTENSION_VERSION=~4), not run
# from a package URL (Kudu refuses a zip deployment then), and on Linux Consumption with the AzureWebJobsStorage
# connection string the CLI uploads the package with. Sets function_java to the Java major version it runs.
check_existing_app() {
  local runtime="" version="" worker="" extension="" remote_package="" host_storage=""
  local stop="EXISTING_FUNCTION_APP=true, but $FUNCTION_APP_NAME"
  if [[ $function_plan == flex ]]; then
    app_show runtime java properties.functionAppConfig.runtime.name
    app_show version "$JAVA_VERSION" properties.functionAppConfig.runtime.version
    [[ ${runtime,,} == java ]] || version="$runtime $version"
  else
    run --into version --placeholder "Java|$JAVA_VERSION" -- az functionapp config show --name "$FUNCTION_APP_NAME" \
      --resource-group "$RESOURCE_GROUP" --query "linuxFxVersion || javaVersion" -o tsv
    [[ ${version,,} == java\|* ]] && version=${version#*|}
    app_settings_query worker java "[?name=='FUNCTIONS_WORKER_RUNTIME'].value | [0]"
    app_settings_query extension "~4" "[?name=='FUNCTIONS_EXTENSION_VERSION'].value | [0]"
    [[ $worker == java ]] ||
      die "$stop has FUNCTIONS_WORKER_RUNTIME='$worker': CallerGuard's package needs \"java\"" \
        "(or set EXISTING_FUNCTION_APP=false to create an app)"
    [[ $extension == "~4" ]] ||
      die "$stop has FUNCTIONS_EXTENSION_VERSION='$extension': CallerGuard's package needs \"~4\"" \
        "(or set EXISTING_FUNCTION_APP=false to create an app)"
    # Counted inside az: the value (a URL that may carry a SAS) never reaches this script.
    app_settings_query remote_package 0 "length([?name=='WEBSITE_RUN_FROM_PACKAGE' && starts_with(value, 'http')])"
    [[ $remote_package == 0 ]] ||
      die "$stop runs from a package URL (WEBSITE_RUN_FROM_PACKAGE): a zip deployment is refused then; remove" \
        "that app setting, or set EXISTING_FUNCTION_APP=false to create an app"
    if [[ $function_plan == consumption && $function_os == linux ]]; then
      app_settings_query host_storage 1 "length([?name=='AzureWebJobsStorage'])"
      [[ $host_storage == 1 ]] ||
        die "$stop has no AzureWebJobsStorage connection string, which the az CLI's zip deployment to a Linux" \
          "Consumption app needs (identity-based host storage is not supported there)"
    fi
  fi
  function_java=${version%%[!0-9]*}
  [[ $function_java == 17 || $function_java == 21 ]] ||
    die "$stop does not run Java 17 or 21 (its runtime: '${version:-none}'): CallerGuard's package needs one of" \
      "them. Set the app's runtime to Java 17 or 21, or set EXISTING_FUNCTION_APP=false to create an app"
}

# The Java version the app runs after this script: JAVA_VERSION, which the Maven plugin sets on every app it
# deploys to; an existing app keeps its own (check_existing_app).
function_java=$JAVA_VERSION
step "4/12 Function app $FUNCTION_APP_NAME"
run --missing-ok --into function_app_id \
  --placeholder "$($existing_function_app && echo "<id-of-$FUNCTION_APP_NAME>")" -- \
  az functionapp show --name "$FUNCTION_APP_NAME" --resource-group "$RESOURCE_GROUP" --query id -o tsv
if [[ -n $function_app_id ]]; then
  describe_hosting
  # CALLERGUARD_* settings this script does not set stay in force on an app that exists and can change what the
  # guard accepts (another authority, keys URL or issuers, user callers, other apps): reported before anything
  # changes, by name only (no value reaches this script).
  app_settings_query guard_settings "" "[?starts_with(name, 'CALLERGUARD_')].name"
  while read -r setting; do
    case $setting in
      "" | CALLERGUARD_TENANT_ID | CALLERGUARD_AUDIENCES | CALLERGUARD_ALLOWED_CALLERS | CALLERGUARD_REQUIRED_ROLES | \
        CALLERGUARD_EASY_AUTH | CALLERGUARD_RELAY_RESOURCE) ;;
      *)
        warn "$FUNCTION_APP_NAME has the app setting $setting, which deploy.sh does not set and a new app would not" \
          "have: it stays in force and can change what CallerGuard accepts. Check it, or remove it with" \
          "az functionapp config appsettings delete --name $FUNCTION_APP_NAME --resource-group $RESOURCE_GROUP" \
          "--setting-names $setting"
        ;;
    esac
  done <<<"$guard_settings"
  if $existing_function_app; then
    say "using the existing function app $FUNCTION_APP_NAME ($hosting); it is never created or moved here"
  else
    say "reusing function app $FUNCTION_APP_NAME ($hosting)"
  fi
  if [[ $function_plan != "$HOSTING_PLAN" ]]; then
    say "note: HOSTING_PLAN=$HOSTING_PLAN applies only to a function app created here; this one stays as it is"
  fi
  if $existing_function_app; then
    check_existing_app
    say "it runs Java $function_java"
    [[ $function_java == "$JAVA_VERSION" ]] ||
      say "note: JAVA_VERSION=$JAVA_VERSION applies only to a function app created here; this one keeps Java $function_java"
  fi
elif $existing_function_app; then
  die "EXISTING_FUNCTION_APP=true, but there is no function app $FUNCTION_APP_NAME in resource group" \
    "$RESOURCE_GROUP: check FUNCTION_APP_NAME and RESOURCE_GROUP, or set EXISTING_FUNCTION_APP=false to create it"
elif [[ $HOSTING_PLAN == flex ]]; then
  function_plan=flex function_os=linux hosting="Flex Consumption plan, linux"
  # Through Azure Resource Manager (container-rm): no storage key is read or needed.
  run --into container_exists --placeholder false -- az storage container-rm exists \
    --storage-account "$STORAGE_ACCOUNT" --resource-group "$RESOURCE_GROUP" --name "$deployment_container" \
    --query exists -o tsv
  if [[ $container_exists == true ]]; then
    say "reusing blob container $deployment_container (deployment packages)"
  else
    say "creating blob container $deployment_container for the deployment packages (private)"
    run -- az storage container-rm create --storage-account "$STORAGE_ACCOUNT" --resource-group "$RESOURCE_GROUP" \
      --name "$deployment_container" --public-access off --output none
  fi
  say "creating function app $FUNCTION_APP_NAME (Flex Consumption, Java $JAVA_VERSION, $INSTANCE_MEMORY_MB MB" \
    "instances, at most $MAXIMUM_INSTANCE_COUNT; deployment package in container $deployment_container, reached" \
    "with the app's system-assigned identity)"
  run -- az functionapp create --name "$FUNCTION_APP_NAME" --resource-group "$RESOURCE_GROUP" \
    --storage-account "$STORAGE_ACCOUNT" --flexconsumption-location "$LOCATION" \
    --runtime java --runtime-version "$JAVA_VERSION" \
    --instance-memory "$INSTANCE_MEMORY_MB" --maximum-instance-count "$MAXIMUM_INSTANCE_COUNT" \
    --deployment-storage-name "$STORAGE_ACCOUNT" --deployment-storage-container-name "$deployment_container" \
    --deployment-storage-auth-type SystemAssignedIdentity --disable-app-insights true --output none
else
  function_plan=consumption function_os=linux hosting="Consumption plan, linux"
  say "creating function app $FUNCTION_APP_NAME (Linux, legacy consumption plan, Functions v4, Java $JAVA_VERSION," \
    "system identity)"
  run -- az functionapp create --name "$FUNCTION_APP_NAME" --resource-group "$RESOURCE_GROUP" \
    --storage-account "$STORAGE_ACCOUNT" --consumption-plan-location "$LOCATION" --os-type Linux \
    --runtime java --runtime-version "$JAVA_VERSION" --functions-version 4 --assign-identity '[system]' \
    --disable-app-insights true --output none
fi
if [[ $function_plan == consumption && $function_os == linux ]]; then
  warn "$FUNCTION_APP_NAME is on the Linux Consumption plan, which Microsoft has frozen (no new features or" \
    "language versions after 30 September 2025) and retires on 30 September 2028: move it to Flex Consumption," \
    "$migration_doc"
fi
run --into function_principal_id --placeholder "<function-app-identity-object-id>" -- \
  az functionapp identity show --name "$FUNCTION_APP_NAME" --resource-group "$RESOURCE_GROUP" \
  --query principalId -o tsv
if [[ -n $function_principal_id ]]; then
  say "the function app's system-assigned identity: $function_principal_id"
else
  say "assigning a system-assigned identity to $FUNCTION_APP_NAME"
  run --into function_principal_id -- az functionapp identity assign --name "$FUNCTION_APP_NAME" \
    --resource-group "$RESOURCE_GROUP" --query principalId -o tsv
fi
if $allow_relay; then
  run --into function_identity_client_id --placeholder "<function-app-identity-client-id>" --retries 6 -- \
    az ad sp show --id "$function_principal_id" --query appId -o tsv
  [[ -n $function_identity_client_id ]] ||
    die "no client id for the function app's identity $function_principal_id (needed by ALLOW_RELAY=true)"
  say "ALLOW_RELAY=true: the function app's identity (client id $function_identity_client_id) may call the function"
fi
app_show function_host "$FUNCTION_APP_NAME.azurewebsites.net" "defaultHostName || properties.defaultHostName"
[[ -n $function_host ]] || die "the function app $FUNCTION_APP_NAME has no default host name"

# ---------------------------------------------------------------------------------------------------------------
step "5/12 App registration '$APP_REGISTRATION_NAME'"
if [[ -n $APP_REGISTRATION_CLIENT_ID ]]; then
  # Named by its client id: the registration the config says is ours, whatever its display name.
  run --into client_ids -- az ad app show --id "$APP_REGISTRATION_CLIENT_ID" --query appId -o tsv
  [[ -n $client_ids ]] || $dry_run ||
    die "APP_REGISTRATION_CLIENT_ID names no app registration ($APP_REGISTRATION_CLIENT_ID): correct it, or leave it empty to create one"
  client_ids=${client_ids:-$APP_REGISTRATION_CLIENT_ID}
else
  run --into client_ids -- az ad app list --filter "displayName eq '$app_name_odata'" --query "[].appId" -o tsv
  if [[ $client_ids == *[[:space:]]* ]]; then
    die "more than one app registration is named '$APP_REGISTRATION_NAME' ($(echo "$client_ids" | tr '\n' ' ')):" \
      "rename or delete the extra ones, or choose another APP_REGISTRATION_NAME"
  fi
  if [[ -n $client_ids ]]; then
    # Anyone in the tenant can create a registration with this display name first and stay its owner (turn off
    # assignment required, add secrets, delete it later): reuse it only when the signed-in user owns it.
    run --into signed_in_user -- az ad signed-in-user show --query id -o tsv
    run --into owned -- az ad app owner list --id "$client_ids" --query "length([?id=='$signed_in_user'])" -o tsv
    if [[ -z $signed_in_user || ${owned:-0} == 0 ]]; then
      die "an app registration named '$APP_REGISTRATION_NAME' exists (client id $client_ids), but the signed-in" \
        "user is not among its owners: anyone in the tenant can create one with that name. If it is yours, set" \
        "APP_REGISTRATION_CLIENT_ID=\"$client_ids\" in the config; otherwise choose another APP_REGISTRATION_NAME"
    fi
  fi
fi
if [[ -n $client_ids ]]; then
  client_id=$client_ids
  say "reusing app registration '$APP_REGISTRATION_NAME' (client id $client_id)"
else
  say "creating app registration '$APP_REGISTRATION_NAME' (single tenant)"
  run --into client_id --placeholder "<function-client-id>" -- az ad app create \
    --display-name "$APP_REGISTRATION_NAME" --sign-in-audience AzureADMyOrg --query appId -o tsv
fi
[[ -n $client_id ]] || die "no client id for the app registration '$APP_REGISTRATION_NAME'"
app_id_uri="api://$client_id"
run --into app_object_id --placeholder "<function-app-registration-object-id>" --retries 4 -- \
  az ad app show --id "$client_id" --query id -o tsv

run --into has_uri --placeholder false -- \
  az ad app show --id "$client_id" --query "contains(identifierUris, '$app_id_uri')" -o tsv
if [[ $has_uri == true ]]; then
  say "reusing App ID URI $app_id_uri"
else
  say "setting App ID URI $app_id_uri"
  run -- az ad app update --id "$client_id" --identifier-uris "$app_id_uri"
fi

# Role ids are kept across runs: an assignment refers to the id, and Graph refuses to drop an enabled role.
run --into invoke_role_id --placeholder "" -- \
  az ad app show --id "$client_id" --query "appRoles[?value=='Function.Invoke'].id | [0]" -o tsv
run --into reports_role_id --placeholder "" -- \
  az ad app show --id "$client_id" --query "appRoles[?value=='Reports.Read'].id | [0]" -o tsv
run --into other_roles --placeholder "[]" -- az ad app show --id "$client_id" \
  --query "appRoles[?value!='Function.Invoke' && value!='Reports.Read']" -o json
for role in Function.Invoke Reports.Read; do
  role_var=invoke_role_id
  [[ $role == Reports.Read ]] && role_var=reports_role_id
  if [[ -n ${!role_var} ]]; then
    say "reusing app role $role (id ${!role_var})"
  elif $dry_run; then
    printf -v "$role_var" '%s' "<new-$role-role-id>"
  else
    printf -v "$role_var" '%s' "$(new_guid)"
    say "creating app role $role (id ${!role_var})"
  fi
done
# Other roles someone added by hand are sent back unchanged: PATCH replaces the whole appRoles collection.
other_roles_inner=${other_roles#*[}
other_roles_inner=${other_roles_inner%]*}
if [[ $other_roles_inner =~ [^[:space:]] ]]; then
  other_roles_inner=",$other_roles_inner"
else
  other_roles_inner=""
fi
write_body app-registration.json <<EOF
{
  "api": {
    "requestedAccessTokenVersion": 2
  },
  "appRoles": [
    {
      "allowedMemberTypes": ["Application"],
      "description": "Call the CallerGuard functions.",
      "displayName": "Function.Invoke",
      "id": "$invoke_role_id",
      "isEnabled": true,
      "value": "Function.Invoke"
    },
    {
      "allowedMemberTypes": ["Application"],
      "description": "Read reports through the CallerGuard reports function.",
      "displayName": "Reports.Read",
      "id": "$reports_role_id",
      "isEnabled": true,
      "value": "Reports.Read"
    }$other_roles_inner
  ]
}
EOF
say "applying app roles Function.Invoke, Reports.Read and requestedAccessTokenVersion 2"
run -- az rest --method PATCH --uri "https://graph.microsoft.com/v1.0/applications/$app_object_id" \
  --headers "Content-Type=application/json" --body "@$work_dir/app-registration.json" --output none

# ---------------------------------------------------------------------------------------------------------------
step "6/12 Service principal of '$APP_REGISTRATION_NAME'"
run --into function_sp_id -- az ad sp list --filter "appId eq '$client_id'" --query "[0].id" -o tsv
if [[ -n $function_sp_id ]]; then
  say "reusing service principal $function_sp_id"
else
  say "creating the service principal of $client_id"
  run --into function_sp_id --placeholder "<function-sp-object-id>" --retries 4 -- \
    az ad sp create --id "$client_id" --query id -o tsv
fi
[[ -n $function_sp_id ]] || die "no service principal for $client_id"
run --into assignment_required --placeholder false -- \
  az ad sp show --id "$function_sp_id" --query appRoleAssignmentRequired -o tsv
if [[ $assignment_required == true ]]; then
  say "reusing appRoleAssignmentRequired=true"
else
  say "setting appRoleAssignmentRequired=true (Entra issues tokens only to assigned callers)"
  write_body service-principal.json <<EOF
{
  "appRoleAssignmentRequired": true
}
EOF
  run --retries 4 -- az rest --method PATCH --uri "https://graph.microsoft.com/v1.0/servicePrincipals/$function_sp_id" \
    --headers "Content-Type=application/json" --body "@$work_dir/service-principal.json" --output none
fi

# ---------------------------------------------------------------------------------------------------------------
step "7/12 API Management $apim_name"
run --missing-ok --into apim_id -- \
  az apim show --name "$apim_name" --resource-group "$apim_resource_group" --query id -o tsv
if [[ -n $apim_id ]]; then
  say "reusing API Management $apim_name in $apim_resource_group"
elif $apim_existing && ! $dry_run; then
  die "API Management $apim_name (APIM_EXISTING_NAME) was not found in resource group $apim_resource_group"
elif $apim_existing; then
  say "(the existing API Management $apim_name is reused, never created)"
else
  [[ $APIM_SKU == Developer ]] && say "note: a Developer instance takes 30-45 minutes to create"
  say "creating API Management $apim_name ($APIM_SKU, system-assigned identity)"
  run -- az apim create --name "$apim_name" --resource-group "$apim_resource_group" --location "$LOCATION" \
    --publisher-email "$APIM_PUBLISHER_EMAIL" --publisher-name "$APIM_PUBLISHER_NAME" --sku-name "$APIM_SKU" \
    --enable-managed-identity true --output none
fi
run --into apim_principal_id --placeholder "<apim-identity-object-id>" -- \
  az apim show --name "$apim_name" --resource-group "$apim_resource_group" --query identity.principalId -o tsv
if [[ -n $apim_principal_id ]]; then
  say "API Management's system-assigned identity: $apim_principal_id"
else
  say "enabling the system-assigned identity of $apim_name"
  run -- az apim update --name "$apim_name" --resource-group "$apim_resource_group" \
    --enable-managed-identity true --output none
  run --into apim_principal_id -- \
    az apim show --name "$apim_name" --resource-group "$apim_resource_group" --query identity.principalId -o tsv
fi
[[ -n $apim_principal_id ]] || die "API Management $apim_name has no system-assigned identity"
run --into apim_client_id --placeholder "<apim-identity-client-id>" --retries 6 -- \
  az ad sp show --id "$apim_principal_id" --query appId -o tsv
[[ -n $apim_client_id ]] || die "no client id for API Management's identity $apim_principal_id"
run --into apim_gateway --placeholder "https://$apim_name.azure-api.net" -- \
  az apim show --name "$apim_name" --resource-group "$apim_resource_group" --query gatewayUrl -o tsv
say "API Management identity: object id $apim_principal_id, client id $apim_client_id"

# Everybody who may call the function, API Management first: object ids, client ids, and what they are.
caller_object_ids=("$apim_principal_id")
caller_client_ids=("$apim_client_id")
caller_names=("API Management's identity")
add_caller() {
  if [[ " ${caller_object_ids[*]} " == *" $1 "* ]]; then
    say "note: $3 $1 is already an allowed caller"
    return 0
  fi
  caller_object_ids+=("$1")
  caller_client_ids+=("$2")
  caller_names+=("$3")
}
for i in "${!additional_callers[@]}"; do
  add_caller "${additional_callers[i]}" "${additional_client_ids[i]}" "additional caller"
done
if $allow_relay; then
  add_caller "$function_principal_id" "$function_identity_client_id" "the function app's own identity (ALLOW_RELAY)"
fi
extra_callers=$((${#caller_object_ids[@]} - 1))

# json_list VALUE...: a JSON array of strings on one line, e.g. ["a", "b"].
json_list() {
  local item list=""
  for item in "$@"; do
    list+="${list:+, }$(json_string "$item")"
  done
  printf '[%s]' "$list"
}

# ---------------------------------------------------------------------------------------------------------------
step "8/12 Easy Auth (App Service Authentication v2) on $FUNCTION_APP_NAME"
# The sample's unguarded health probe stays reachable; an app of yours gets no path left open by deploy.sh.
if [[ $DEPLOY_CODE == sample ]]; then
  excluded_paths='["/api/health"]' open_note=", /api/health open"
else
  excluded_paths='[]' open_note=", no path open"
fi
if [[ $extra_callers -gt 0 ]]; then
  say "applying authsettingsV2: 401 without a token, only API Management's identity and $extra_callers" \
    "additional caller(s)$open_note"
else
  say "applying authsettingsV2: 401 without a token, only API Management's identity$open_note"
fi
write_body authsettings.json <<EOF
{
  "properties": {
    "platform": {
      "enabled": true,
      "runtimeVersion": "~1"
    },
    "globalValidation": {
      "requireAuthentication": true,
      "unauthenticatedClientAction": "Return401",
      "excludedPaths": $excluded_paths
    },
    "identityProviders": {
      "azureActiveDirectory": {
        "enabled": true,
        "registration": {
          "clientId": "$client_id",
          "openIdIssuer": "https://login.microsoftonline.com/$tenant_id/v2.0"
        },
        "validation": {
          "allowedAudiences": ["$app_id_uri", "$client_id"],
          "defaultAuthorizationPolicy": {
            "allowedPrincipals": {
              "identities": $(json_list "${caller_object_ids[@]}")
            },
            "allowedApplications": $(json_list "${caller_client_ids[@]}")
          }
        },
        "isAutoProvisioned": false
      }
    },
    "login": {
      "tokenStore": {
        "enabled": false
      }
    },
    "httpSettings": {
      "requireHttps": true,
      "routes": {
        "apiPrefix": "/.auth"
      },
      "forwardProxy": {
        "convention": "NoProxy"
      }
    }
  }
}
EOF
run -- az rest --method PUT \
  --uri "https://management.azure.com/subscriptions/$subscription_id/resourceGroups/$RESOURCE_GROUP/providers/Microsoft.Web/sites/$FUNCTION_APP_NAME/config/authsettingsV2?api-version=2022-03-01" \
  --headers "Content-Type=application/json" --body "@$work_dir/authsettings.json" --output none

# ---------------------------------------------------------------------------------------------------------------
if [[ $extra_callers -gt 0 ]]; then
  step "9/12 App role Function.Invoke for API Management's identity and the additional callers"
else
  step "9/12 App role Function.Invoke for API Management's identity"
fi
assigned_to_uri="https://graph.microsoft.com/v1.0/servicePrincipals/$function_sp_id/appRoleAssignedTo"
for i in "${!caller_object_ids[@]}"; do
  principal_id=${caller_object_ids[i]}
  body_name=app-role-assignment.json
  [[ $i -gt 0 ]] && body_name="app-role-assignment-$i.json"
  assignment_id=""
  run --into assignment_id -- az rest --method GET --uri "$assigned_to_uri" \
    --query "value[?principalId=='$principal_id' && appRoleId=='$invoke_role_id'].id | [0]" -o tsv
  if [[ -n $assignment_id ]]; then
    say "reusing the assignment of Function.Invoke to $principal_id"
    continue
  fi
  say "assigning Function.Invoke to ${caller_names[i]} $principal_id"
  write_body "$body_name" <<EOF
{
  "principalId": "$principal_id",
  "resourceId": "$function_sp_id",
  "appRoleId": "$invoke_role_id"
}
EOF
  run --retries 6 -- az rest --method POST --uri "$assigned_to_uri" \
    --headers "Content-Type=application/json" --body "@$work_dir/$body_name" --output none
done

# ---------------------------------------------------------------------------------------------------------------
step "10/12 CallerGuard app settings"
allowed_callers=$(IFS=,; printf '%s' "${caller_object_ids[*]}")
app_settings=("CALLERGUARD_TENANT_ID=$tenant_id" "CALLERGUARD_AUDIENCES=$app_id_uri,$client_id"
  "CALLERGUARD_ALLOWED_CALLERS=$allowed_callers" "CALLERGUARD_REQUIRED_ROLES=Function.Invoke"
  "CALLERGUARD_EASY_AUTH=required")
if [[ $extra_callers -gt 0 ]]; then
  say "allowing exactly API Management's identity and $extra_callers additional caller(s); Easy Auth required"
else
  say "allowing exactly API Management's identity; Easy Auth required"
fi
if $allow_relay; then
  # relay gets a token of the app's identity for this resource and calls https://$WEBSITE_HOSTNAME/api/whoami.
  app_settings+=("CALLERGUARD_RELAY_RESOURCE=$app_id_uri")
fi
connect_app_insights
run -- az functionapp config appsettings set --name "$FUNCTION_APP_NAME" --resource-group "$RESOURCE_GROUP" \
  --settings "${app_settings[@]}" --output none

# ---------------------------------------------------------------------------------------------------------------
step "11/12 Build and deploy the code"
sample_dir="$repo_root/sample-app"
staged="$sample_dir/target/azure-functions/$FUNCTION_APP_NAME"
if [[ $DEPLOY_CODE == none ]]; then
  say "DEPLOY_CODE=none: the app's code is left as it is"
elif [[ $DEPLOY_CODE == staged ]]; then
  # Your app as mvn package staged it, by the CLI's zip deployment (on any plan, for a new or an existing app). A
  # copy without local.settings.json (local settings are not the app's settings), so the folder stays as it was.
  say "deploying the staged app $staged_app_dir with the az CLI's zip deployment"
  run -- rm -rf "$work_dir/package"
  run -- cp -R "$staged_app_dir" "$work_dir/package"
  run -- rm -f "$work_dir/package/local.settings.json"
  run -- jar --create --no-manifest --file "$work_dir/$FUNCTION_APP_NAME.zip" -C "$work_dir/package" .
  run -- timeout 900 az functionapp deployment source config-zip --name "$FUNCTION_APP_NAME" \
    --resource-group "$RESOURCE_GROUP" --src "$work_dir/$FUNCTION_APP_NAME.zip" --output none
else
  # A fresh staging directory: mvn package does not clean it, and whatever it holds is deployed.
  run -- rm -rf "$staged"
  # The sample app depends on the CallerGuard library by its Maven coordinates, as any app does: install it first.
  say "installing the CallerGuard library in the local Maven repository"
  run --in "$repo_root" -- mvn -B install -DskipTests -pl callerguard -am
  if $existing_function_app; then
    # Not the Maven plugin: it would also reconfigure an app it did not create (its update sets the Java version
    # from the pom, httpsOnly false and, on Flex Consumption, replaces the app's identities with the one of its
    # deployment storage). The CLI's zip deployment of the same staged package: on Flex Consumption through
    # /api/publish; on Linux Consumption it uploads the zip to the host storage and sets WEBSITE_RUN_FROM_PACKAGE
    # to its URL; on other plans through Kudu's zipdeploy (it sets SCM_DO_BUILD_DURING_DEPLOYMENT=false). After a
    # Flex upload az 2.74 polls the host's status without an end, hence the time limit.
    say "deploying the staged package with the az CLI's zip deployment"
    run --in "$sample_dir" -- mvn -B package "-DfunctionAppName=$FUNCTION_APP_NAME"
    # Left out of the package, as the Maven plugin leaves it out: local settings are not the app's settings.
    run -- rm -f "$staged/local.settings.json"
    run -- jar --create --no-manifest --file "$work_dir/$FUNCTION_APP_NAME.zip" -C "$staged" .
    run -- timeout 900 az functionapp deployment source config-zip --name "$FUNCTION_APP_NAME" \
      --resource-group "$RESOURCE_GROUP" --src "$work_dir/$FUNCTION_APP_NAME.zip" --output none
  else
    # The plugin deploys to the app created above (its plan read from Azure; on Flex Consumption one package into
    # the deployment container) and sets the app's Java version and OS from these properties.
    say "deploying with azure-functions-maven-plugin: Java $JAVA_VERSION on $function_os ($hosting)"
    run --in "$sample_dir" -- mvn -B package azure-functions:deploy "-DfunctionAppName=$FUNCTION_APP_NAME" \
      "-DfunctionResourceGroup=$RESOURCE_GROUP" "-DfunctionRegion=$LOCATION" "-DfunctionJavaVersion=$JAVA_VERSION" \
      "-DfunctionOs=$function_os"
  fi
fi
# HTTPS only, set after the code deployment (the Maven plugin's update sets httpsOnly false). A PATCH of this one
# property, in the API version az 2.74 uses for Flex Consumption apps, so nothing else of the app is rewritten.
say "setting httpsOnly=true (plain HTTP is redirected to HTTPS)"
write_body https-only.json <<EOF
{
  "properties": {
    "httpsOnly": true
  }
}
EOF
run -- az rest --method PATCH \
  --uri "https://management.azure.com/subscriptions/$subscription_id/resourceGroups/$RESOURCE_GROUP/providers/Microsoft.Web/sites/$FUNCTION_APP_NAME?api-version=2023-12-01" \
  --headers "Content-Type=application/json" --body "@$work_dir/https-only.json" --output none

# ---------------------------------------------------------------------------------------------------------------
step "12/12 API Management API '$APIM_API_ID', named value and policy"
run --missing-ok --into named_value -- az apim nv show --service-name "$apim_name" \
  --resource-group "$apim_resource_group" --named-value-id "$named_value_id" --query value -o tsv
if [[ $named_value == "$app_id_uri" ]]; then
  say "reusing named value $named_value_id = $app_id_uri"
elif [[ -n $named_value ]]; then
  say "updating named value $named_value_id from $named_value to $app_id_uri"
  run -- az apim nv update --service-name "$apim_name" --resource-group "$apim_resource_group" \
    --named-value-id "$named_value_id" --value "$app_id_uri" --output none
else
  say "creating named value $named_value_id = $app_id_uri"
  run -- az apim nv create --service-name "$apim_name" --resource-group "$apim_resource_group" \
    --named-value-id "$named_value_id" --display-name "$named_value_id" --value "$app_id_uri" --secret false \
    --output none
fi

service_url="https://$function_host${route_prefix:+/$route_prefix}"
run --missing-ok --into api_id -- az apim api show --service-name "$apim_name" \
  --resource-group "$apim_resource_group" --api-id "$APIM_API_ID" --query id -o tsv
if [[ -n $api_id ]]; then
  # An API of that id may name another backend or require no subscription (a rerun with another FUNCTION_APP_NAME,
  # a shared APIM_EXISTING_NAME): APIM's managed-identity token must not go there, nor be had without a key.
  say "reusing API $APIM_API_ID: setting its backend $service_url, path, protocols and subscription key as for a new one"
  run -- az apim api update --service-name "$apim_name" --resource-group "$apim_resource_group" \
    --api-id "$APIM_API_ID" --path "$APIM_API_PATH" --display-name "CallerGuard" --service-url "$service_url" \
    --protocols https --subscription-required true --output none
else
  say "creating API $APIM_API_ID at /$APIM_API_PATH for $service_url"
  run -- az apim api create --service-name "$apim_name" --resource-group "$apim_resource_group" \
    --api-id "$APIM_API_ID" --path "$APIM_API_PATH" --display-name "CallerGuard" --service-url "$service_url" \
    --protocols https --subscription-required true --output none
fi

for operation in "${operations[@]}"; do
  read -r operation_id method url_template <<<"$operation"
  run --missing-ok --into found_operation -- az apim api operation show --service-name "$apim_name" \
    --resource-group "$apim_resource_group" --api-id "$APIM_API_ID" --operation-id "$operation_id" --query id -o tsv
  if [[ -n $found_operation ]]; then
    say "reusing operation $operation_id ($method $url_template)"
  else
    say "creating operation $operation_id ($method $url_template)"
    run -- az apim api operation create --service-name "$apim_name" --resource-group "$apim_resource_group" \
      --api-id "$APIM_API_ID" --operation-id "$operation_id" --url-template "$url_template" --method "$method" \
      --display-name "$method $url_template" --output none
  fi
done

say "applying the inbound policy from $policy_file"
write_body apim-policy.json <<EOF
{
  "properties": {
    "format": "rawxml",
    "value": $(json_string "$(cat "$policy_file")")
  }
}
EOF
run -- az rest --method PUT \
  --uri "https://management.azure.com/subscriptions/$subscription_id/resourceGroups/$apim_resource_group/providers/Microsoft.ApiManagement/service/$apim_name/apis/$APIM_API_ID/policies/policy?api-version=2022-08-01" \
  --headers "Content-Type=application/json" --body "@$work_dir/apim-policy.json" --output none

read -r _ _ first_template <<<"${operations[0]}"
case $DEPLOY_CODE in
  sample)
    first_template=/hello
    health_note="  (health: https://$function_host/api/health)"
    code_note="the sample app (sample-app/)"
    ;;
  staged) health_note="" code_note="your staged app $staged_app_dir" ;;
  none) health_note="" code_note="left as it was (DEPLOY_CODE=none); API operations from $staged_app_dir" ;;
esac

# ---------------------------------------------------------------------------------------------------------------
echo
if $dry_run; then
  echo "Dry run finished: nothing was run. Summary of what a deployment produces:"
else
  echo "Deployed. Summary:"
fi
cat <<EOF
  tenant                         $tenant_id
  subscription                   $subscription_id
  resource group                 $RESOURCE_GROUP ($LOCATION)
  function app                   https://$function_host$health_note
  code                           $code_note
  hosting                        $hosting, Java $function_java
  function app identity          $function_principal_id
  app registration               '$APP_REGISTRATION_NAME' client id $client_id, App ID URI $app_id_uri
  service principal              $function_sp_id (appRoleAssignmentRequired=true)
  app role ids                   Function.Invoke $invoke_role_id, Reports.Read $reports_role_id
  API Management                 $apim_name in $apim_resource_group, $apim_gateway
  API Management identity        object id $apim_principal_id, client id $apim_client_id
  allowed callers (object ids)   $allowed_callers
  API                            $apim_gateway/$APIM_API_PATH${first_template} (subscription key required)
Check it:  scripts/azure/verify.sh --config $(shell_quote "$config_file")
EOF
