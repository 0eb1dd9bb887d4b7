#!/usr/bin/env bash
# Checks a deployment made by deploy.sh against the real thing, and prints one line per check:
#   anonymous      GET https://<app>/api/hello without a token          -> 401 with WWW-Authenticate, from Easy
#                                                                         Auth (not CallerGuard's realm="callerguard")
#   forged header  GET /api/whoami with a made-up X-MS-CLIENT-PRINCIPAL -> 401 + WWW-Authenticate from Easy Auth: in front of
#                  naming API Management's identity, no token              the function and drops the header
#                                                                         (CallerGuard would accept it otherwise)
#   user token     GET /api/hello with the signed-in user's token       -> refused: Entra will not issue it
#                  (AADSTS error) or the function answers 401/403
#   APIM, no key   GET https://<apim>/<path>/whoami without a key       -> 401 (the API requires a subscription key)
#   through APIM   GET https://<apim>/<path>/whoami with a subscription -> 200, objectId = APIM's identity
#                  key (APIM adds its managed identity's token)
#   health         GET https://<app>/api/health                         -> 200
# Exits non-zero when any check fails.
#
#   scripts/azure/verify.sh [--config FILE]      (same config.env as deploy.sh)
#
# Needs: az CLI (logged in), curl. Neither tokens nor the subscription key are printed or put on a command line.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"

# Assigned by `run --into` (which shellcheck cannot follow).
subscription_id="" function_host="" client_id="" apim_gateway="" apim_principal_id="" tenant_id="" apim_client_id=""

parse_common_options "$@"
$dry_run && die "verify.sh has no --dry-run: it only reads"
load_config
require_tools az curl

# One line per check: name, expected, got, verdict.
results=()
failures=0
record() {
  local verdict=FAIL
  [[ $4 == pass ]] && verdict=PASS
  [[ $verdict == FAIL ]] && failures=$((failures + 1))
  results+=("$1"$'\t'"$2"$'\t'"$3"$'\t'"$verdict")
}

# http_get URL [HEADER_FILE]: sets http_status (000 when curl failed), and the files $work_dir/body, $work_dir/headers.
http_get() {
  local url=$1 header_file=${2:-} args=(-sS -o "$work_dir/body" -D "$work_dir/headers" -w '%{http_code}' --max-time 60)
  [[ -n $header_file ]] && args+=(-H "@$header_file")
  : >"$work_dir/body"
  : >"$work_dir/headers"
  echo "  \$ curl $(shell_quote "${args[@]}" "$url")"
  http_status=$(curl "${args[@]}" "$url" 2>"$work_dir/curl-stderr") || http_status="000"
  [[ $http_status =~ ^[0-9]{3}$ ]] || http_status="000"
}

step "Reading the deployment"
if [[ -n $AZURE_SUBSCRIPTION ]]; then
  run -- az account set --subscription "$AZURE_SUBSCRIPTION"
fi
run --into subscription_id -- az account show --query id -o tsv
run --into tenant_id -- az account show --query tenantId -o tsv
# Flex Consumption apps come back as Azure Resource Manager's JSON (properties.defaultHostName), others flattened.
run --into function_host -- az functionapp show --name "$FUNCTION_APP_NAME" --resource-group "$RESOURCE_GROUP" \
  --query "defaultHostName || properties.defaultHostName" -o tsv
[[ -n $function_host ]] || die "the function app $FUNCTION_APP_NAME has no default host name"
run --into client_id -- az ad app list --filter "displayName eq '$app_name_odata'" --query "[0].appId" -o tsv
[[ -n $client_id ]] || die "no app registration named '$APP_REGISTRATION_NAME': run deploy.sh first"
run --into apim_gateway -- az apim show --name "$apim_name" --resource-group "$apim_resource_group" \
  --query gatewayUrl -o tsv
run --into apim_principal_id -- az apim show --name "$apim_name" --resource-group "$apim_resource_group" \
  --query identity.principalId -o tsv
[[ -n $apim_principal_id ]] || die "API Management $apim_name has no system-assigned identity: run deploy.sh"
run --into apim_client_id -- az ad sp show --id "$apim_principal_id" --query appId -o tsv
function_url="https://$function_host"

# answered_by_callerguard: the last answer came from CallerGuard itself (its challenge's realm, or a refusal id in
# its problem+json body), so nothing in front of the function refused the call.
answered_by_callerguard() {
  grep -qi '^www-authenticate:.*realm="callerguard"' "$work_dir/headers" || grep -q '"CG[0-9]' "$work_dir/body"
}

step "1. Anonymous call to the function"
http_get "$function_url/api/hello"
challenge=$(grep -i '^www-authenticate:' "$work_dir/headers" | head -n 1 | tr -d '\r' || true)
if [[ -n $challenge ]]; then
  scheme=${challenge#*:}
  read -r scheme _ <<<"$scheme"
  got="$http_status + WWW-Authenticate ($scheme)"
else
  got="$http_status, no WWW-Authenticate"
fi
if [[ $http_status == 401 && -n $challenge ]] && answered_by_callerguard; then
  record "anonymous /api/hello" "401 + WWW-Authenticate, Easy Auth" "$got from CallerGuard: no Easy Auth" fail
elif [[ $http_status == 401 && -n $challenge ]]; then
  record "anonymous /api/hello" "401 + WWW-Authenticate, Easy Auth" "$got" pass
else
  record "anonymous /api/hello" "401 + WWW-Authenticate, Easy Auth" "$got" fail
fi

step "2. A forged Easy Auth principal header, without a token"
# The principal Easy Auth would send for API Management's identity, made up here: if it reached CallerGuard, the
# function would answer 200. Easy Auth must refuse the call (no token: 401) and never pass a client's header on.
# A refusal by CallerGuard itself fails too: then nothing in front of the function stopped the header.
claim() { printf '{"typ":"%s","val":"%s"}' "$1" "$2"; }
principal=$(printf '{"auth_typ":"aad","claims":[%s],"name_typ":"name","role_typ":"roles"}' \
  "$(claim tid "$tenant_id"),$(claim aud "api://$client_id"),$(claim oid "$apim_principal_id"),$(claim sub "$apim_principal_id"),$(claim azp "$apim_client_id"),$(claim appid "$apim_client_id"),$(claim idtyp app),$(claim roles Function.Invoke)")
{
  printf 'X-MS-CLIENT-PRINCIPAL: %s\n' "$(printf '%s' "$principal" | base64 | tr -d '\n')"
  printf 'X-MS-CLIENT-PRINCIPAL-IDP: aad\n'
  printf 'X-MS-CLIENT-PRINCIPAL-ID: %s\n' "$apim_principal_id"
} >"$work_dir/forged-principal"
http_get "$function_url/api/whoami" "$work_dir/forged-principal"
challenged=false
grep -qi '^www-authenticate:' "$work_dir/headers" && challenged=true
if [[ $http_status == 401 ]] && answered_by_callerguard; then
  record "forged principal /api/whoami" "401 + WWW-Authenticate, Easy Auth" "401 from CallerGuard: no Easy Auth" fail
elif [[ $http_status == 401 ]] && $challenged; then
  record "forged principal /api/whoami" "401 + WWW-Authenticate, Easy Auth" "401 + WWW-Authenticate" pass
elif [[ $http_status == 401 ]]; then
  record "forged principal /api/whoami" "401 + WWW-Authenticate, Easy Auth" "401, no WWW-Authenticate" fail
else
  record "forged principal /api/whoami" "401 + WWW-Authenticate, Easy Auth" "$http_status" fail
fi

step "3. The signed-in user's own token for api://$client_id"
echo "  \$ az account get-access-token --resource api://$client_id --query accessToken -o tsv"
token_status=0
user_token=$(az account get-access-token --resource "api://$client_id" --query accessToken -o tsv \
  2>"$work_dir/token-stderr") || token_status=$?
if [[ $token_status -ne 0 ]]; then
  aadsts=$(grep -Eo 'AADSTS[0-9]+' "$work_dir/token-stderr" | head -n 1 || true)
  if [[ -n $aadsts ]]; then
    record "user token /api/hello" "refused (token or 401/403)" "no token: $aadsts" pass
  else
    sed 's/^/    /' "$work_dir/token-stderr" >&2
    record "user token /api/hello" "refused (token or 401/403)" "az failed without AADSTS code" fail
  fi
else
  printf 'Authorization: Bearer %s\n' "$user_token" >"$work_dir/user-auth"
  chmod 600 "$work_dir/user-auth"
  unset user_token
  http_get "$function_url/api/hello" "$work_dir/user-auth"
  if [[ $http_status == 401 || $http_status == 403 ]]; then
    record "user token /api/hello" "refused (token or 401/403)" "token issued, call $http_status" pass
  else
    record "user token /api/hello" "refused (token or 401/403)" "token issued, call $http_status" fail
  fi
fi

step "4. Through API Management (its managed identity)"
# Without a subscription key APIM must refuse: an API that requires none would let anyone call every function as APIM.
http_get "$apim_gateway/$APIM_API_PATH/whoami"
if [[ $http_status == 401 ]]; then
  record "APIM without a key" "401 (subscription key required)" "$http_status" pass
else
  record "APIM without a key" "401 (subscription key required)" "$http_status" fail
fi
apim_key=""
run --into apim_key -- az rest --method POST \
  --uri "https://management.azure.com/subscriptions/$subscription_id/resourceGroups/$apim_resource_group/providers/Microsoft.ApiManagement/service/$apim_name/subscriptions/master/listSecrets?api-version=2022-08-01" \
  --query primaryKey -o tsv
[[ -n $apim_key ]] || die "no primary key for the built-in all-access subscription of $apim_name"
printf 'Ocp-Apim-Subscription-Key: %s\n' "$apim_key" >"$work_dir/apim-key"
chmod 600 "$work_dir/apim-key"
unset apim_key
http_get "$apim_gateway/$APIM_API_PATH/whoami" "$work_dir/apim-key"
object_id=$(tr -d '\n' <"$work_dir/body" | sed -n 's/.*"objectId"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
expected="200, objectId $apim_principal_id"
if [[ $http_status == 200 && ${object_id,,} == "${apim_principal_id,,}" ]]; then
  record "APIM /$APIM_API_PATH/whoami" "$expected" "$http_status, objectId ${object_id:-none}" pass
else
  record "APIM /$APIM_API_PATH/whoami" "$expected" "$http_status, objectId ${object_id:-none}" fail
fi

step "5. Health probe (excluded from Easy Auth)"
http_get "$function_url/api/health"
if [[ $http_status == 200 ]]; then
  record "anonymous /api/health" "200" "$http_status" pass
else
  record "anonymous /api/health" "200" "$http_status" fail
fi

echo
format='%-26s %-52s %-52s %s\n'
# shellcheck disable=SC2059 # the format is a constant
printf "$format" CHECK EXPECTED GOT RESULT
for line in "${results[@]}"; do
  IFS=$'\t' read -r name expected got verdict <<<"$line"
  # shellcheck disable=SC2059
  printf "$format" "$name" "$expected" "$got" "$verdict"
done
echo
if [[ $failures -gt 0 ]]; then
  echo "$failures of ${#results[@]} checks FAILED"
  exit 1
fi
echo "all ${#results[@]} checks passed"
