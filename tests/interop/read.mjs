// Reads a Parquet file with DuckDB and prints {columns, rows} as JSON on stdout, for the C# tests
// to compare value by value. BIGINT and timestamps travel as strings (exact); timestamps as
// microseconds since the epoch; non-finite floats as strings.
// Usage: node read.mjs <file.parquet>
import { DuckDBInstance } from '@duckdb/node-api';

const [file] = process.argv.slice(2);
if (!file) { console.error('usage: node read.mjs <file.parquet>'); process.exit(2); }

const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();
const quoted = `'${file.replaceAll("'", "''")}'`;
const described = await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoted})`);
const columns = described.getRowObjects().map(r => ({ name: r.column_name, type: r.column_type }));
const id = n => `"${n.replaceAll('"', '""')}"`;
const select = columns.map(({ name, type }) =>
  type.startsWith('TIMESTAMP') ? `epoch_us(${id(name)})::VARCHAR AS ${id(name)}`
  : ['BIGINT', 'HUGEINT', 'UBIGINT'].includes(type) ? `${id(name)}::VARCHAR AS ${id(name)}`
  : type === 'BLOB' ? `hex(${id(name)}) AS ${id(name)}`
  : id(name)).join(', ');
const result = await c.runAndReadAll(`SELECT ${select || '*'} FROM read_parquet(${quoted})`);
const rows = result.getRows().map(row => row.map(v =>
  typeof v === 'bigint' ? v.toString()
  : typeof v === 'number' && !Number.isFinite(v) ? String(v)
  : v !== null && typeof v === 'object' ? String(v)
  : v));
process.stdout.write(JSON.stringify({ columns, rows }));
