// Times DuckDB (single-threaded) reading every column of a Parquet file; prints seconds (best of 3).
// Used by bench/parquet/run.sh. Usage: node time-read.mjs <file.parquet>
import { DuckDBInstance } from '@duckdb/node-api';

const [file] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();
await c.run('SET threads=1');
const sql = `SELECT sum(ra), sum(dec), sum(source_id::HUGEINT), sum(quad) FROM read_parquet('${file}')`;
let best = Infinity;
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  await c.runAndReadAll(sql);
  best = Math.min(best, (performance.now() - t) / 1000);
}
console.log(best.toFixed(3));
