#!/usr/bin/env bash
# The package as a platform team gets it, in a fresh consumer:
#   1. npm pack (prepack builds dist/) and check what the tarball ships;
#   2. install the tarball in a fresh directory with its peer dependencies at
#      the lowest versions package.json declares (the floor of each range), so a
#      range never promises a version nobody tested;
#   3. compile a consumer with plain tsc and Pulumi's template tsconfig (strict,
#      no skipLibCheck), and type-check it again with exactOptionalPropertyTypes
#      and an older target: our .d.ts files must hold under both;
#   4. run it under hand-written mocks: ArtifactStore and ContainerRegistry
#      from the package root declare the expected resources, and a bad
#      repository name is refused by name; then run the repository's examples
#      through the packed `ml-platform/testing`;
#   5. the consumer's own stack, planned by the package's `ml-platform-plan`
#      command, then again with its environment renamed, and diffed: the
#      markdown comment names the protected bucket first, and the diff exits 5;
#      its own mocks (ml-platform/testing) still see stackOutputs, and an
#      unmocked invoke fails naming the function.
# Slow (pack + install + tsc, a few minutes on a busy machine): `npm run test:package`,
# run by .ci/run after `npm test`, outside jest's time budget.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/ml-platform-package.XXXXXX")"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
check() { # check <description> <command...>
  local what="$1"
  shift
  if "$@"; then echo "ok   $what"; passed=$((passed + 1)); else echo "FAIL $what"; failed=$((failed + 1)); fi
}
# run_checks <script> <what>: runs a consumer program that prints its own "ok"/"FAIL" lines,
# counts them, and checks the program's exit status.
run_checks() {
  local out status=0
  out="$(node "$1" 2>&1)" || status=$?
  echo "$out"
  passed=$((passed + $(grep -c '^ok ' <<<"$out" || true)))
  failed=$((failed + $(grep -c '^FAIL ' <<<"$out" || true)))
  check "$2 exits 0" test "$status" -eq 0
}

cd "$repo"
echo "== npm pack"
tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -n 1)"
tar -tzf "$tarball" | sort > "$work/contents.txt"
unexpected="$(grep -Ev '^package/(package\.json|README\.md|LICENSE|dist/.+\.(js|d\.ts|json))$' "$work/contents.txt" || true)"
check "the tarball ships package.json, README and dist/ (JS, .d.ts, data) only" test -z "$unexpected"
[ -z "$unexpected" ] || echo "$unexpected"
for entry in api/index api/schemas api/cost api/policies api/plan offline/index plan/bin; do
  check "dist/$entry.js and .d.ts are in the tarball" grep -qx "package/dist/$entry.d.ts" "$work/contents.txt"
done
check "the policy pack's stage configs are in the tarball" grep -qx "package/dist/policies/config/mvp.json" "$work/contents.txt"
check "no test, stack program or the repository's own plan CLI in the tarball" bash -c "! grep -Eq '(\\.test\\.|/test/|^package/dist/index\\.|/plan/(cli|engine)\\.)' '$work/contents.txt'"

echo "== fresh consumer in $work/consumer"
consumer="$work/consumer"
mkdir -p "$consumer/examples"
cp scripts/consumer/*.ts scripts/consumer/tsconfig*.json "$consumer/"
for example in examples/*/; do
  name="$(basename "$example")"
  mkdir -p "$consumer/examples/$name"
  find "$example" -maxdepth 1 -name '*.ts' ! -name '*.test.ts' -exec cp {} "$consumer/examples/$name/" \;
done
# The README's example ("Use the components in your own program") must compile against the package.
awk '/^## Use the components in your own program/{inside=1} inside && /^```ts$/{grab=1; next} grab && /^```$/{exit} grab{print}' README.md > "$consumer/readme.ts"
check "the README's example was found" test -s "$consumer/readme.ts"
pin() { node -p "require('./package.json').devDependencies['$1']"; }
# The lowest version a peer range admits: "^7.2.0", "~7.2.0" and ">=7.2.0" all give 7.2.0.
# Why each floor is where it is (docs/guides/library.md, "Versions of the Pulumi packages", has the sources):
#   @pulumi/pulumi     3.142.0  what every @pulumi/aws 7.x depends on (^3.142.0); InputPropertiesError, runtime.getMonitor
#   @pulumi/aws        7.2.0    v7's S3 resources (BucketVersioning, ...; 6.x names them ...V2); 7.0 and 7.1 not installable
#   @pulumi/kubernetes 4.32.0   a preview resolves custom resources (a canary's Rollout) from a Helm release's CRDs in the
#                               same update (pulumi-kubernetes 4.32.0); also pulumi.com/waitFor over the default await
#                               (4.18.4; a canary's ALB Ingress needs it) and the preStop sleep action (4.8.1)
#   @pulumi/random     4.0.0    the first 4.x: RandomPassword, RandomId as the components use them
#   @pulumi/policy     1.11.0   remediateResource and the "remediate" level; 1.5.0 lacks them
# The offline plan's one use of SDK internals (offline/record.ts inFreshRuntimeState) has another shape below 3.210: run here.
floor() { node -p "require('./package.json').peerDependencies['$1'].replace(/^(\\^|~|>=\\s*)/, '')"; }
peers=(@pulumi/pulumi @pulumi/aws @pulumi/kubernetes @pulumi/random @pulumi/policy)
for peer in "${peers[@]}"; do
  check "the peer range of $peer has a plain version as its floor ($(floor "$peer"))" bash -c '[[ "$1" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]' _ "$(floor "$peer")"
done
cat > "$consumer/package.json" <<JSON
{
  "name": "consumer",
  "version": "1.0.0",
  "private": true,
  "dependencies": {
    "ml-platform": "file:$tarball",
    "@pulumi/pulumi": "$(floor @pulumi/pulumi)",
    "@pulumi/aws": "$(floor @pulumi/aws)",
    "@pulumi/kubernetes": "$(floor @pulumi/kubernetes)",
    "@pulumi/random": "$(floor @pulumi/random)",
    "@pulumi/policy": "$(floor @pulumi/policy)"
  },
  "devDependencies": { "typescript": "$(pin typescript)", "@types/node": "$(pin @types/node)" }
}
JSON
(cd "$consumer" && npm install --prefer-offline --no-audit --no-fund --ignore-scripts --loglevel=error)
for peer in "${peers[@]}"; do
  installed="$(cd "$consumer" && node -p "require('$peer/package.json').version.replace(/^v/, '')")"  # @pulumi/policy writes v1.21.0
  check "$peer installed at its declared floor ($installed)" test "$installed" = "$(floor "$peer")"
done
check "one @pulumi/pulumi in the consumer (the package brings none of its own)" \
  bash -c "[ -d '$consumer/node_modules/@pulumi/pulumi' ] && [ ! -e '$consumer/node_modules/ml-platform/node_modules/@pulumi' ]"
# A provider or @pulumi/policy whose own dependency range excludes the @pulumi/pulumi floor gets a second copy nested under it.
check "no peer at its floor brings a second @pulumi/pulumi (the floors agree with each other)" \
  test "$(find "$consumer/node_modules" -path '*/@pulumi/pulumi/package.json' | wc -l)" -eq 1

cd "$consumer"
echo "== tsc (Pulumi's template tsconfig: strict, no skipLibCheck)"
check "the consumer and the README's example compile with plain tsc --strict" node_modules/.bin/tsc -p tsconfig.json
echo "== tsc (exactOptionalPropertyTypes, noUncheckedIndexedAccess, target es2017)"
check "our .d.ts files type-check under exactOptionalPropertyTypes and an older target" node_modules/.bin/tsc -p tsconfig.strictest.json
echo "== tsc (ml-platform/schemas, /policies, /cost, with skipLibCheck)"
check "the subpaths compile (skipLibCheck for zod's and @pulumi/policy's own declarations)" node_modules/.bin/tsc -p tsconfig.subpaths.json
echo "== run under hand-written mocks"
if [ -f bin/index.js ]; then
  run_checks bin/index.js "the consumer program"
  echo "== the examples through the packed ml-platform/testing"
  run_checks bin/examples.js "the examples program"
  run_checks bin/subpaths.js "the subpaths program"
  echo "== ml-platform/testing and ml-platform/plan in the consumer's own tests"
  run_checks bin/planning.js "the planning program"
  echo "== ml-platform-plan on the consumer's own stack"
  printf 'name: consumer\nruntime: nodejs\nmain: bin/stack.js\n' > Pulumi.yaml
  printf 'config:\n  aws:region: eu-west-1\n  consumer:env: dev\n' > Pulumi.dev.yaml
  plan_status=0
  node_modules/.bin/ml-platform-plan bin/stack.js --stack-file Pulumi.dev.yaml --environment dev > base.json || plan_status=$?
  check "ml-platform-plan plans the consumer's stack (exit 0)" test "$plan_status" -eq 0
  check "the plan is JSON with schemaVersion 1 and the protected bucket" \
    node -e 'const p = require("./base.json"); process.exit(p.schemaVersion === 1 && p.resources.some((r) => r.name === "dev-data-datasets" && r.protect) ? 0 : 1)'
  sed -i 's/env: dev/env: prod/' Pulumi.dev.yaml
  node_modules/.bin/ml-platform-plan bin/stack.js --stack-file Pulumi.dev.yaml --environment prod > head.json || true
  diff_status=0
  node_modules/.bin/ml-platform-plan diff base.json head.json --markdown > diff.md 2> diff.err || diff_status=$?
  head -n 12 diff.md
  check "the diff exits 5: a protected resource is replaced" test "$diff_status" -eq 5
  expected_row='| `aws:s3:Bucket` `prod-data-datasets` (was `dev-data-datasets`) | **replaced** | renamed | ⛔ protected'
  check "the markdown's first lines name the protected bucket's replacement" \
    bash -c 'head -n 12 diff.md | grep -qF -- "$1"' _ "$expected_row"
fi
echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
