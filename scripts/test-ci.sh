#!/bin/sh
# Runs the type check and the jest suites, then prints the closing line CI reads ("N passed, N failed[, N skipped]").
# Extra arguments go to jest. The exit status is jest's, or 1 if only the type check failed.
cd "$(dirname "$0")/.." || exit 1

tsc_rc=0
echo "> npm run typecheck (TypeScript 7: tsc -p tsconfig.json)"
npm run --silent typecheck || tsc_rc=$?
if [ "$tsc_rc" -ne 0 ]; then
  echo "type check failed (counted as 1 failure in the closing line)"
fi

rm -f .jest-results.json
npx jest --json --outputFile=.jest-results.json "$@"
rc=$?

TSC_RC="$tsc_rc" node -e '
const fs = require("fs");
const typeFail = process.env.TSC_RC === "0" ? 0 : 1;
let passed = 0, failed = 0, skipped = 0;
if (fs.existsSync(".jest-results.json")) {
  const r = JSON.parse(fs.readFileSync(".jest-results.json", "utf8"));
  passed = r.numPassedTests;
  // A suite that fails to load (syntax error, throwing import) has no failed tests of its own: count it once.
  failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
  skipped = r.numPendingTests + r.numTodoTests;
} else {
  console.log("jest wrote no results (it did not run)");
  failed = 1;
}
failed += typeFail;
console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
'

if [ "$rc" -eq 0 ] && [ "$tsc_rc" -ne 0 ]; then
  rc=1
fi
exit "$rc"
