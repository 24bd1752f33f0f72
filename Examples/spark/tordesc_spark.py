"""CollecTor archives -> typed Parquet and an exit/version analysis, with tordesc as the parser.

Each task takes ONE archive (a .tar.xz/.tar.gz/... as CollecTor publishes them, from a local
path or any Hadoop file system URL: hdfs://, s3a://, ...), copies its bytes to the task's
local disk under the archive's own name (tordesc picks the decompressor from the extension and
reads paths, not standard input), runs the tordesc binary shipped with `--files` on it, and
streams `tordesc parse --json --tagged` lines back. Every line names its document type, its
archive member, its document number and whether it is a whole document, a container's header
(a consensus, a vote, an exit list) or one of its entries; `data` is the plain `--json` object.

Rows become DataFrames through `from_json` with schemas converted from Resources/schemas/*.json
(schema_convert.py): no inference, so a field has one type in every archive of the history.

Outputs under --output:
  parquet/type=<@type>/month=YYYY-MM/*.parquet   one dataset per line type (entries: <type>-entry)
  analysis/exits_per_consensus/     relays, exits and exit bandwidth share per consensus
  analysis/relays_per_version/      distinct relays per tor version per month
  report.json                       rows per table, read back from the Parquet just written

  spark-submit --master local[2] --files .build/release/tordesc \\
      --py-files Examples/spark/schema_convert.py Examples/spark/tordesc_spark.py \\
      --schemas Resources/schemas --output /tmp/out consensuses-2024-01.tar.xz ...
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

from pyspark import SparkFiles, StorageLevel
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import LongType, StringType, StructField, StructType, TimestampType

from schema_convert import TIMESTAMP_FORMAT, SchemaConverter

# One row per tagged line; `data` stays JSON text until its type's schema reads it.
RAW_SCHEMA = StructType([
    StructField("type", StringType(), False),
    StructField("part", StringType(), False),
    StructField("archive", StringType(), False),
    StructField("member", StringType(), False),
    StructField("document_index", LongType(), False),
    StructField("data", StringType(), False),
])

# The field that dates a document, first match wins; entries take their container's.
TIME_FIELDS = ("valid_after", "published", "downloaded", "timestamp", "end", "start", "date")

# Container types whose entries the exit analysis reads (both consensus flavors carry flags).
CONSENSUS_TYPES = ("network-status-consensus-3", "network-status-microdesc-consensus-3")

# Entry lines are typed <container type>-entry (Resources/schemas/README.md).
ENTRY_SUFFIX = "-entry"


def parse_archive(path_and_bytes, binary_name):
    """Runs tordesc on one archive; yields RAW_SCHEMA tuples. Runs on the executors."""
    path, content = path_and_bytes
    binary = SparkFiles.get(binary_name)
    if not os.access(binary, os.X_OK):
        os.chmod(binary, 0o755)
    workdir = tempfile.mkdtemp(prefix="tordesc-spark-")
    try:
        local = os.path.join(workdir, os.path.basename(path.rstrip("/")) or "archive")
        with open(local, "wb") as handle:
            handle.write(content)
        del content
        command = [binary, "parse", "--json", "--tagged", "--no-progress", local]
        # stderr goes to a file: a pipe read only at the end would fill up (64 KiB of parse
        # errors) and block tordesc while this loop waits on stdout.
        errors_path = os.path.join(workdir, "stderr.txt")
        with open(errors_path, "wb") as errors, \
                subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, cwd=workdir) as process:
            prefix = local + "!"
            for line in process.stdout:
                yield split_tagged(line.decode("utf-8").rstrip("\n"), path, prefix)
            status = process.wait()
        with open(errors_path, "rb") as errors:
            stderr = errors.read()[-4000:].decode("utf-8", "replace")
        # Status 1 means some documents failed to parse (their errors are in stderr and the
        # rest was printed); anything else (a crash, a usage error) fails the task.
        if status not in (0, 1):
            raise RuntimeError(f"tordesc exited {status} on {path}: {stderr[-2000:]}")
        if status == 1:
            sys.stderr.write(f"tordesc: parse failures in {path}:\n{stderr[-2000:]}\n")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def split_tagged(line, archive, local_prefix):
    """Cuts a tagged line into its envelope and its `data` text without re-serialising `data`.

    The envelope is {"type":..,"source":..,"document":N,"part":"..","data":{..}}: `data` is last
    and `,"part":"` cannot occur inside the escaped source string, so slicing is exact.
    """
    cut = line.index(',"part":"')
    head = json.loads(line[:cut] + "}")
    data_at = line.index('","data":', cut)
    part = line[cut + len(',"part":"'):data_at]
    source = head["source"]
    member = source[len(local_prefix):] if source.startswith(local_prefix) else source
    return (head["type"], part, archive, member, head["document"], line[data_at + len('","data":'):-1])


def archive_paths(spark, inputs):
    """Expands globs and directories through Hadoop's FileSystem, so any URL Spark reads works."""
    jvm, conf = spark._jvm, spark._jsc.hadoopConfiguration()
    found = []
    for text in inputs:
        path = jvm.org.apache.hadoop.fs.Path(text)
        fs = path.getFileSystem(conf)
        statuses = fs.globStatus(path) or []
        for status in statuses:
            if status.isDirectory():
                found.extend(str(s.getPath()) for s in fs.listStatus(status.getPath()) if s.isFile())
            else:
                found.append(str(status.getPath()))
    if not found:
        raise SystemExit(f"no archive matches {inputs}")
    return sorted(found)


def schema_file(converter, line_type):
    """Resources/schemas/<@type>.json: the schema of every line of that type."""
    name = f"{line_type}.json"
    if not os.path.exists(os.path.join(converter.directory, name)):
        raise SystemExit(f"no schema {name} under {converter.directory}: the job never infers a "
                         "schema; add one (Resources/schemas/README.md) or leave those archives out")
    return name


def typed_table(raw, converter, line_type, part, headers_time):
    """The rows of one line type with the schema's columns, plus where they came from."""
    schema = converter.struct_for(schema_file(converter, line_type))
    rows = raw.where(F.col("type") == line_type)
    typed = rows.select("archive", "member", "document_index",
                        F.from_json("data", schema, {"timestampFormat": TIMESTAMP_FORMAT,
                                                     "mode": "FAILFAST"}).alias("d"))
    columns = [F.col("d." + f"`{field.name}`").alias(field.name) for field in schema.fields]
    table = typed.select("archive", "member", "document_index", *columns)
    # Times are "YYYY-MM-DD HH:MM:SS" strings (Resources/schemas/README.md); other kinds of a
    # field with one of these names (an object, milliseconds) do not date the row.
    names = {field.name for field in schema.fields if isinstance(field.dataType, (StringType, TimestampType))}
    time_field = next((f for f in TIME_FIELDS if f in names), None)
    if part == "entry" and headers_time is not None:
        # An entry is dated by its container: join on the member and document number.
        table = table.join(headers_time, ["archive", "member", "document_index"], "left")
        time_column = F.col("container_time")
    elif time_field is not None:
        time_column = F.col(time_field)
    else:
        time_column = F.lit(None)
    archive_month = F.regexp_extract("archive", r"(\d{4}-\d{2})", 1)
    month = F.coalesce(F.substring(time_column.cast("string"), 1, 7),
                       F.when(archive_month != "", archive_month), F.lit("unknown"))
    return table.withColumn("month", month), time_field


def exits_per_consensus(entries, headers):
    """Exit relays as `tordesc exits` counts them without --port: the Exit flag, not BadExit."""
    flags = F.coalesce(F.col("flags"), F.array().cast("array<string>"))
    is_exit = F.array_contains(flags, "Exit") & ~F.array_contains(flags, "BadExit")
    bandwidth = F.coalesce(F.col("bandwidth").cast("long"), F.lit(0))
    per_doc = (entries.groupBy("archive", "member", "document_index")
               .agg(F.count(F.lit(1)).alias("relays"),
                    F.sum(F.when(is_exit, 1).otherwise(0)).alias("exits"),
                    F.sum(F.when(is_exit, bandwidth).otherwise(0)).alias("exit_bandwidth"),
                    F.sum(bandwidth).alias("total_bandwidth")))
    return (headers.select("type", "archive", "member", "document_index",
                           F.col("container_time").alias("valid_after"))
            .join(per_doc, ["archive", "member", "document_index"], "left")
            .na.fill(0, ["relays", "exits", "exit_bandwidth", "total_bandwidth"])
            .withColumn("exit_bandwidth_share",
                        F.when(F.col("total_bandwidth") > 0,
                               F.col("exit_bandwidth") / F.col("total_bandwidth")))
            .orderBy("valid_after", "type", "member"))


def version_of(column):
    """"Tor 0.4.8.9 on Linux" / "Tor 0.4.8.9" -> "0.4.8.9"; anything else -> null."""
    version = F.regexp_extract(column, r"^Tor (\S+)", 1)
    return F.when(version != "", version)


def relays_per_version(tables):
    """Distinct relays (fingerprints) per tor version per month, from consensus `v` lines and
    from server descriptors' platform lines, each kept apart in the `source` column."""
    parts = []
    entries = tables.get("network-status-consensus-3" + ENTRY_SUFFIX)
    if entries is not None and "version_line" in entries.columns:
        parts.append(entries.select(F.lit("consensus v line").alias("source"), "month", "fingerprint",
                                    version_of(F.col("version_line")).alias("version")))
    descriptors = tables.get("server-descriptor")
    if descriptors is not None and "platform" in descriptors.columns:
        version = version_of(F.col("platform"))
        if "tor_version" in descriptors.columns:
            version = F.coalesce(F.col("tor_version"), version)
        parts.append(descriptors.select(F.lit("server descriptor platform").alias("source"), "month",
                                        "fingerprint", version.alias("version")))
    if not parts:
        return None
    union = parts[0]
    for part in parts[1:]:
        union = union.unionByName(part)
    return (union.where(F.col("version").isNotNull())
            .groupBy("source", "month", "version")
            .agg(F.countDistinct("fingerprint").alias("relays"))
            .orderBy("source", "month", "version"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("archives", nargs="+", help="archive paths, directories, globs or URLs")
    parser.add_argument("--output", required=True, help="output directory (any Hadoop URL)")
    parser.add_argument("--schemas", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                          "..", "..", "Resources", "schemas"),
                        help="directory of the JSON Schemas (read on the driver)")
    parser.add_argument("--tordesc", default="tordesc",
                        help="file name of the tordesc binary given to spark-submit --files")
    args = parser.parse_args()

    spark = (SparkSession.builder.appName("tordesc-collector")
             .config("spark.sql.session.timeZone", "UTC").getOrCreate())
    sc = spark.sparkContext
    converter = SchemaConverter(os.path.abspath(args.schemas))

    # One binaryFiles RDD per archive, unioned: one partition, hence one task, per archive.
    paths = archive_paths(spark, args.archives)
    binary_name = args.tordesc
    lines = sc.union([sc.binaryFiles(path, minPartitions=1) for path in paths]) \
        .flatMap(lambda item: parse_archive(item, binary_name))
    raw = spark.createDataFrame(lines, RAW_SCHEMA).persist(StorageLevel.MEMORY_AND_DISK)
    # This first action parses every archive (one task each) and fills the cache; the passes
    # that follow read the cache through fewer, larger tasks.
    kinds = sorted((r["type"], r["part"]) for r in raw.select("type", "part").distinct().collect())
    raw = raw.coalesce(max(1, min(len(paths), sc.defaultParallelism)))

    # Documents and headers first: an entry takes its month from its header's time.
    tables, headers = {}, {}
    for line_type, part in [k for k in kinds if k[1] != "entry"]:
        table, time_field = typed_table(raw, converter, line_type, part, None)
        tables[line_type] = table
        if part == "header":
            time = F.col(time_field) if time_field else F.lit(None).cast("string")
            headers[line_type] = table.select(F.lit(line_type).alias("type"), "archive", "member",
                                              "document_index", time.alias("container_time"))
    for line_type, part in [k for k in kinds if k[1] == "entry"]:
        container = line_type.removesuffix(ENTRY_SUFFIX)
        table, _ = typed_table(raw, converter, line_type, part,
                               headers[container].drop("type") if container in headers else None)
        tables[line_type] = table

    out = args.output.rstrip("/")
    for name, table in tables.items():
        table.write.mode("overwrite").partitionBy("month").parquet(f"{out}/parquet/type={name}")

    analysis = {}
    consensus_headers = [headers[t] for t in CONSENSUS_TYPES if t in headers]
    consensus_entries = [tables[t + ENTRY_SUFFIX] for t in CONSENSUS_TYPES if t + ENTRY_SUFFIX in tables]
    if consensus_headers:
        entries = consensus_entries[0].select("archive", "member", "document_index", "flags", "bandwidth")
        for more in consensus_entries[1:]:
            entries = entries.unionByName(more.select("archive", "member", "document_index", "flags", "bandwidth"))
        all_headers = consensus_headers[0]
        for more in consensus_headers[1:]:
            all_headers = all_headers.unionByName(more)
        analysis["exits_per_consensus"] = exits_per_consensus(entries, all_headers)
    versions = relays_per_version(tables)
    if versions is not None:
        analysis["relays_per_version"] = versions
    for name, frame in analysis.items():
        # Small tables: one CSV each (with a header) for people, Parquet for engines.
        frame.coalesce(1).write.mode("overwrite").option("header", True).csv(f"{out}/analysis/{name}")
        frame.write.mode("overwrite").parquet(f"{out}/analysis/{name}.parquet")

    # Rows per table as read back from the Parquet on disk, for checks and job logs.
    report = {"archives": len(paths), "tables": {}}
    for name in tables:
        report["tables"][name] = spark.read.parquet(f"{out}/parquet/type={name}").count()
    text = json.dumps(report, indent=2, sort_keys=True)
    print(text)
    if "://" in out and not out.startswith("file:"):
        sc.parallelize([text], 1).saveAsTextFile(f"{out}/report.json")
    else:
        with open(os.path.join(out.removeprefix("file://").removeprefix("file:"), "report.json"), "w") as handle:
            handle.write(text + "\n")
    spark.catalog.clearCache()
    spark.stop()


if __name__ == "__main__":
    main()
