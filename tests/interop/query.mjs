// Runs one DuckDB query with the Parquet file path bound to every '?', printing {columns, rows} as JSON.
// Usage: node query.mjs <file.parquet> "<sql with ?>"
import { DuckDBInstance } from '@duckdb/node-api';

const [file, sql] = process.argv.slice(2);
if (!file || !sql) { console.error('usage: node query.mjs <file.parquet> "<sql>"'); process.exit(2); }

const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();
const quoted = `'${file.replaceAll("'", "''")}'`;
const result = await c.runAndReadAll(sql.replaceAll('?', quoted));
const columns = result.columnNames().map((name, i) => ({ name, type: String(result.columnTypes()[i]) }));
const rows = result.getRows().map(row => row.map(v => typeof v === 'bigint' ? v.toString() : v !== null && typeof v === 'object' ? String(v) : v));
process.stdout.write(JSON.stringify({ columns, rows }));
