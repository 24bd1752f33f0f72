#!/usr/bin/env bash
# The Spark example (Examples/spark/tordesc_spark.py) end to end, in local mode on two cores:
# builds CollecTor-shaped .tar.xz archives from Resources/corpus, runs the job with
# spark-submit (bounded by timeout), then checks its Parquet row counts, exit table and
# relays-per-version table against single-process tordesc runs (scripts/check-spark-output.py).
# Finally it checks the checker: a copy of the output with one exit count changed must fail.
#
#   scripts/test-spark.sh            uses .build/debug/tordesc (TORDESC=path to use another)
#
# Fails, never skips, when java or pyspark is missing: CI installs pyspark (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

TORDESC=${TORDESC:-.build/debug/tordesc}
SPARK_TIMEOUT=${SPARK_TIMEOUT:-420}

fail() { echo "test-spark: $*" >&2; exit 1; }
command -v java >/dev/null || fail "java is missing (Spark 4 needs a JDK 17 or later)"
python3 -c 'import pyspark' 2>/dev/null || fail "pyspark is missing: python3 -m pip install pyspark"
[ -x "$TORDESC" ] || fail "$TORDESC is not built (swift build)"
SPARK_SUBMIT=$(python3 -c 'import os, pyspark; print(os.path.join(os.path.dirname(pyspark.__file__), "bin", "spark-submit"))')
[ -x "$SPARK_SUBMIT" ] || fail "no spark-submit in the pyspark package ($SPARK_SUBMIT)"

work=$(mktemp -d "${TMPDIR:-/tmp}/test-spark.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 Examples/spark/make_archives.py Resources/corpus "$work/in" >"$work/archives.txt"
echo "test-spark: $(wc -l <"$work/archives.txt") archives built from Resources/corpus"

# Loopback only; no web UI. The Python workers are the JVM's children and end with it.
export SPARK_LOCAL_IP=127.0.0.1
start=$(date +%s)
if ! timeout --kill-after=20 "$SPARK_TIMEOUT" "$SPARK_SUBMIT" --master 'local[2]' \
        --conf spark.ui.enabled=false \
        --files "$TORDESC" \
        --py-files Examples/spark/schema_convert.py \
        Examples/spark/tordesc_spark.py --schemas Resources/schemas --output "$work/out" \
        "$work"/in/archives/*.tar.xz >"$work/spark.log" 2>&1; then
    grep -v ' INFO ' "$work/spark.log" | tail -n 60 >&2
    fail "spark-submit failed or ran over ${SPARK_TIMEOUT}s (log above)"
fi
echo "test-spark: spark-submit took $(( $(date +%s) - start )) s"

python3 scripts/check-spark-output.py --tordesc "$TORDESC" --archives "$work/in/archives" \
    --members "$work/in/members" --output "$work/out"

# The check can fail: one exit count off by one in a copy of the output must be caught.
cp -r "$work/out" "$work/tampered"
csv=$(ls "$work"/tampered/analysis/exits_per_consensus/*.csv)
python3 - "$csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
rows[0]["exits"] = str(int(rows[0]["exits"]) + 1)
with open(sys.argv[1], "w", newline="") as handle:
    writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
EOF
if python3 scripts/check-spark-output.py --tordesc "$TORDESC" --archives "$work/in/archives" \
        --members "$work/in/members" --output "$work/tampered" 2>"$work/tampered.txt"; then
    fail "the check passed on output with a wrong exit count"
fi
grep -q "exits" "$work/tampered.txt" || fail "the check failed on tampered output, but not on its exit count"
echo "test-spark: ok (and a wrong exit count is caught)"
