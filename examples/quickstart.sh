export RC_URL=${RC_URL:-http://localhost:3000} RC_PROJECT=${RC_PROJECT:-acme} RC_ENV=${RC_ENV:-dev}
export RC_TOKEN=$(npm run -s token -- --project "$RC_PROJECT" --env "$RC_ENV")
rc() { npm run -s cli -- "$@"; }

ID=$(rc create application/app-42 instance/i-0abc123 --details '{"port":8080}' --no-header | awk '{print $1}')
rc status "$ID" connecting --reason provisioning
rc status "$ID" connected
rc wait "$ID" --timeout 60 >/dev/null && echo "ready: $ID"
rc create application/app-42 instance/i-0abc123 || echo "exit code $? (4: conflict)"
rc list --target instance/i-0abc123 --status connected
rc history "$ID" --no-header | wc -l
rc graph --resource instance/i-0abc123 --format mermaid   # paste into Markdown; DOT with --format dot
rc cascade instance/i-0abc123
