// The yardsticks of the benchmarks, run as a process of their own as the kstory command they are
// compared with is (process start included): DuckDB alone runs one SQL statement, all threads, and
// reads its result whole.
//   node bench/lib/duckdb-sql.js "COPY (SELECT * FROM read_json('audit.log')) TO 'audit.parquet'"

import { DuckDBInstance } from '@duckdb/node-api';

const [sql] = process.argv.slice(2);
if (!sql) throw new Error('usage: duckdb-sql.js SQL');
// As kstory's own DuckDB: nothing is ever downloaded.
const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
const connection = await instance.connect();
await connection.runAndReadAll(sql);
connection.closeSync();
instance.closeSync();
