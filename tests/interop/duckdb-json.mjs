// Shared by read.mjs and make-golden.mjs: DuckDB's reading of a Parquet file as {columns, rows},
// with BIGINT and timestamps (as epoch microseconds) rendered as exact strings.
export async function readAsJson(connection, file) {
  const quoted = `'${file.replaceAll("'", "''")}'`;
  const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoted})`);
  const columns = described.getRowObjects().map(r => ({ name: r.column_name, type: r.column_type }));
  const id = n => `"${n.replaceAll('"', '""')}"`;
  const select = columns.map(({ name, type }) =>
    type.startsWith('TIMESTAMP') ? `epoch_us(${id(name)})::VARCHAR AS ${id(name)}`
    : ['BIGINT', 'HUGEINT', 'UBIGINT'].includes(type) ? `${id(name)}::VARCHAR AS ${id(name)}`
    : type === 'BLOB' ? `hex(${id(name)}) AS ${id(name)}`
    : id(name)).join(', ');
  const result = await connection.runAndReadAll(`SELECT ${select || '*'} FROM read_parquet(${quoted})`);
  const rows = result.getRows().map(row => row.map(v =>
    typeof v === 'bigint' ? v.toString()
    : typeof v === 'number' && !Number.isFinite(v) ? String(v)
    : v !== null && typeof v === 'object' ? String(v)
    : v));
  return { columns, rows };
}
