// The Spark audit for Scala users: the same pipe as audit.py, with the
// per-market summary computed by Spark SQL. Run it in spark-shell:
//
//   spark-shell --master 'local[2]' --files /path/to/sponsorlint \
//     --conf spark.sponsorlint.input=posts.jsonl \
//     --conf spark.sponsorlint.output=audit-out < examples/spark/audit.scala
//
// or give `SponsorlintAudit` a `main` that builds its SparkSession, for a
// jar run by spark-submit (README.md beside this file).
import org.apache.spark.SparkFiles
import org.apache.spark.sql.SparkSession
import org.apache.spark.sql.functions._

object SponsorlintAudit {
  /** Runs the audit; whether every post gave one result. */
  def run(spark: SparkSession): Boolean = {
    val input = spark.conf.get("spark.sponsorlint.input")
    val output = spark.conf.get("spark.sponsorlint.output").stripSuffix("/")
    val sc = spark.sparkContext

    // A file shipped with --files: in SparkFiles' folder in local mode, in each
    // executor's working folder on a cluster.
    val binary =
      if (sc.master.startsWith("local")) SparkFiles.get("sponsorlint") else "./sponsorlint"
    val command = Seq(binary, "check", "-", "--input-format", "jsonl", "--format", "jsonl",
      "--exit-zero", "--no-progress", "--no-config")

    val posts = sc.textFile(input)
    val results = posts.pipe(command)
    results.cache()
    results.saveAsTextFile(s"$output/results")

    val recordsIn = posts.filter(_.trim.nonEmpty).count()
    val recordsOut = results.count()

    // Posts and failing posts per market, as `sponsorlint check` counts them: a
    // post counts in each of its markets (or under "(none)") and fails there
    // when an error finding of that market, or of no market, applies.
    import spark.implicits._
    val checked = spark.read.json(results.toDS())
    val markets = checked
      .filter($"verdict" =!= "error")
      .select(explode_outer($"markets").as("market"), $"findings")
      .withColumn("failing", exists($"findings", finding =>
        finding("severity") === "error" &&
          (finding("market").isNull || finding("market") === $"market")))
      .groupBy(coalesce($"market", lit("(none)")).as("market"))
      .agg(count(lit(1)).as("posts"), sum($"failing".cast("long")).as("failing"))
      .orderBy($"market" === "(none)", $"market")
    markets.coalesce(1).write.json(s"$output/summary")
    markets.show(100, truncate = false)
    checked.groupBy("verdict").count().show()
    println(s"records in: $recordsIn, records out: $recordsOut")
    recordsIn == recordsOut
  }
}

sys.exit(if (SponsorlintAudit.run(spark)) 0 else 1)
