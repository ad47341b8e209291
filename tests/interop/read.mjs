// Reads a Parquet file with DuckDB and prints {columns, rows} as JSON on stdout, for the C# tests
// to compare value by value. Usage: node read.mjs <file.parquet>
import { DuckDBInstance } from '@duckdb/node-api';
import { readAsJson } from './duckdb-json.mjs';

const [file] = process.argv.slice(2);
if (!file) { console.error('usage: node read.mjs <file.parquet>'); process.exit(2); }

const db = await DuckDBInstance.create(':memory:', { threads: '1' });
process.stdout.write(JSON.stringify(await readAsJson(await db.connect(), file)));
