// Regenerates the DuckDB-written golden files used by the codec tests where node is absent:
// each <name>.parquet comes with <name>.json, DuckDB's own reading of it.
// Usage (from the repository root): node tests/interop/make-golden.mjs
import { DuckDBInstance } from '@duckdb/node-api';
import { readAsJson } from './duckdb-json.mjs';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'DataBuild.Products.Tests', 'golden');
mkdirSync(out, { recursive: true });

const table = rows => `
  SELECT
    range::INTEGER AS i32,
    CASE WHEN range % 5 = 0 THEN NULL ELSE (range * 1000003)::BIGINT - 50000 END AS i64,
    (range / 7.0)::FLOAT AS f32,
    CASE WHEN range % 3 = 0 THEN NULL ELSE sin(range) * 1e6 END AS f64,
    CASE WHEN range % 4 = 0 THEN NULL ELSE range % 3 = 0 END AS flag,
    ['g', 'r', 'i', 'z', 'y'][(range % 5) + 1] AS band,
    CASE range % 6 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN 'étoile ' || range WHEN 3 THEN '銀河🌌' ELSE 'src-' || range END AS label,
    CASE WHEN range % 7 = 0 THEN NULL ELSE TIMESTAMPTZ '2021-03-04 05:06:07.123456+00' + to_microseconds(range * 997) END AS seen,
    DATE '2020-01-01' + (range % 400)::INTEGER AS night
  FROM range(0, ${rows})`;

const goldens = {
  'v1-snappy-dictionary': [table(120), 'compression snappy, row_group_size 50'],
  'v1-gzip-plain': [table(80), 'compression gzip, dictionary_compression_ratio_threshold -1'],
  'v2-uncompressed-delta': [table(150), 'compression uncompressed, parquet_version v2'],
  'v2-snappy-plain': [table(60), 'compression snappy, parquet_version v2, dictionary_compression_ratio_threshold -1'],
  'one-row': [table(1), 'compression uncompressed'],
  'empty': [table(0), 'compression snappy'],
};

const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();
for (const [name, [select, options]] of Object.entries(goldens)) {
  const file = join(out, `${name}.parquet`);
  await c.run(`COPY (${select}) TO '${file}' (FORMAT parquet, ${options})`);
  writeFileSync(join(out, `${name}.json`), JSON.stringify(await readAsJson(c, file)) + '\n');
  console.log(`wrote ${file}`);
}
