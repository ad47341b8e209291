// Has DuckDB write a Parquet file: COPY (<select>) TO <file> (FORMAT parquet, <options>).
// The C# tests pass the SELECT and the COPY options as separate arguments (never through a shell).
// Usage: node write.mjs <file.parquet> "<select>" "<copy options>"
import { DuckDBInstance } from '@duckdb/node-api';

const [file, select, options] = process.argv.slice(2);
if (!file || !select) { console.error('usage: node write.mjs <file.parquet> "<select>" "[copy options]"'); process.exit(2); }

const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();
const quoted = `'${file.replaceAll("'", "''")}'`;
await c.run(`COPY (${select}) TO ${quoted} (FORMAT parquet${options ? ', ' + options : ''})`);
