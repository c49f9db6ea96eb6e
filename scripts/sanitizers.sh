#!/usr/bin/env bash
# The test suite under AddressSanitizer (leaks included), and the tests that run threads (batch,
# CLI, the two-thread sample tape, the service's routes on SQLite) under ThreadSanitizer. Each sanitizer builds in its own folder (.build-asan, .build-tsan).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
export LSAN_OPTIONS="suppressions=$PWD/.ci/lsan-suppressions.txt"
swift test --sanitize=address --scratch-path .build-asan
swift test --sanitize=thread --scratch-path .build-tsan --filter 'SampleTapeTests|BatchTests|CLITests|ServiceTests|TerraWebhookTests|OperationsTests|RateLimitTests'
