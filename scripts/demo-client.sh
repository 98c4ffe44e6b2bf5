#!/usr/bin/env bash
# demo-client.sh: one-shot setup of the OAuth2 demo for `make run`. It waits
# for the dev server's admin API, (re)creates the demo client with the
# CLI, as an operator would (`cerberus serve --dev` itself never creates
# clients), and prints a ready-to-paste authorization URL.
#
#   scripts/demo-client.sh [bin/cerberus] [admin URL] [public URL] [callback URL]
set -euo pipefail
bin=${1:-bin/cerberus}
admin=${2:-http://127.0.0.1:4434}
public=${3:-http://127.0.0.1:4433}
callback=${4:-http://127.0.0.1:4480/callback}

for _ in $(seq 1 240); do
  if curl -fsS "$admin/health/ready" >/dev/null 2>&1; then break; fi
  sleep 0.5
done
curl -fsS "$admin/health/ready" >/dev/null || { echo "demo-client: the admin API at $admin is not ready" >&2; exit 1; }

export CERBERUS_ADMIN_URL=$admin
# The secret is shown only when a client is created: start afresh.
"$bin" clients delete demo-app >/dev/null 2>&1 || true
out=$("$bin" clients create --id demo-app --name "Cerberus demo app" \
  --grant-type authorization_code,refresh_token --response-type code \
  --redirect-uri "$callback" --scope openid,offline_access,email,profile \
  --token-endpoint-auth-method client_secret_basic --format json)
secret=$(printf '%s' "$out" | sed -n 's/.*"client_secret":"\([^"]*\)".*/\1/p')
state=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
enc_cb=$(printf '%s' "$callback" | sed 's|:|%3A|g; s|/|%2F|g')

cat <<MSG

OAuth2 demo client created with \`cerberus clients create\`:
  client_id      demo-app
  client_secret  $secret

Sign up at $public/registration (or sign in), then open:

  $public/oauth2/auth?client_id=demo-app&response_type=code&scope=openid%20offline_access%20email%20profile&redirect_uri=$enc_cb&state=$state

After the consent page, the echo upstream shows the code. Exchange it:

  curl -s -u demo-app:$secret -d grant_type=authorization_code -d redirect_uri=$callback -d code=THE_CODE $public/oauth2/token

MSG
