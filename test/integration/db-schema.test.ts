import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import ts from 'typescript';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

/**
 * db/database.ts is written by hand: this checks it against the migrated schema, so a migration
 * and the Kysely types cannot drift apart. Types are erased at run time, so the declared side is
 * read with the TypeScript compiler: every property of `Database` is a table, every property of
 * its table type a column, with its select type (ColumnType's first argument) null or not, and a
 * coarse kind (string, number, boolean, Date, Buffer, array, object) compared with information_schema.
 */
type Kind = 'string' | 'number' | 'boolean' | 'Date' | 'Buffer' | 'array' | 'object';
interface Column {
  nullable: boolean;
  kinds: Kind[];
}
type Schema = Map<string, Map<string, Column>>;

const databaseTs = fileURLToPath(new URL('../../db/database.ts', import.meta.url));

/** The tables and columns `Database` declares in the given file. */
function declaredSchema(file: string): Schema {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  const database = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'Database');
  if (!database) throw new Error(`${file} declares no Database interface`);
  // A column's type as selected: ColumnType<S, I, U> (and Generated<S>) is S, distributed over unions like Kysely's Selectable.
  const selected = (t: ts.Type): ts.Type[] =>
    (t.isUnion() ? t.types : [t]).flatMap((m) => {
      const select = m.getProperty('__select__');
      return select ? selected(checker.getTypeOfSymbol(select)) : [m];
    });
  const kindOf = (t: ts.Type): Kind | null => {
    if (t.flags & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral | ts.TypeFlags.TemplateLiteral)) return 'string';
    if (t.flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) return 'number';
    if (t.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return 'boolean';
    if (t.flags & ts.TypeFlags.Null) return null;
    if (checker.isArrayType(t) || checker.isTupleType(t)) return 'array';
    if (t.getSymbol()?.name === 'Date') return 'Date';
    if (t.getSymbol()?.name === 'Buffer') return 'Buffer';
    return 'object';
  };
  const schema: Schema = new Map();
  for (const table of checker.getPropertiesOfType(checker.getTypeAtLocation(database))) {
    const columns = new Map<string, Column>();
    for (const column of checker.getPropertiesOfType(checker.getTypeOfSymbol(table))) {
      const types = selected(checker.getTypeOfSymbol(column));
      const kinds = [...new Set(types.map(kindOf).filter((k): k is Kind => k !== null))].sort();
      columns.set(column.name, { nullable: types.some((t) => t.flags & ts.TypeFlags.Null), kinds });
    }
    schema.set(table.name, columns);
  }
  return schema;
}

/** What node-postgres gives for each column type (db/connection.ts: int8 as a number, date as `YYYY-MM-DD`). */
const kindOfDataType = (dataType: string): Kind[] => {
  if (['smallint', 'integer', 'bigint', 'real', 'double precision'].includes(dataType)) return ['number'];
  if (dataType === 'boolean') return ['boolean'];
  if (dataType.startsWith('timestamp')) return ['Date'];
  if (dataType === 'ARRAY') return ['array'];
  if (dataType === 'bytea') return ['Buffer'];
  // A JSON document is whatever it holds: an object or an array.
  if (dataType === 'json' || dataType === 'jsonb') return ['array', 'object'];
  return ['string']; // text, varchar, numeric (exact, as a string), date, tsvector, enums
};

/** Every way the declared schema and the live one differ, one line each, naming table and column. */
function differences(declared: Schema, live: Schema): string[] {
  const found: string[] = [];
  for (const [table, columns] of live) {
    const mine = declared.get(table);
    if (!mine) {
      found.push(`table ${table} is in the database but not in db/database.ts`);
      continue;
    }
    for (const [name, column] of columns) {
      const d = mine.get(name);
      if (!d) {
        found.push(`${table}.${name} is in the database but not in db/database.ts`);
        continue;
      }
      if (d.nullable !== column.nullable) {
        found.push(
          `${table}.${name} is ${column.nullable ? 'nullable' : 'not null'} in the database but declared ${d.nullable ? 'nullable' : 'not null'}`,
        );
      }
      if (d.kinds.length === 0 || d.kinds.some((k) => !column.kinds.includes(k))) {
        found.push(`${table}.${name} is ${column.kinds.join(' or ')} in the database but declared ${d.kinds.join(' | ') || 'never'}`);
      }
    }
    for (const name of mine.keys()) if (!columns.has(name)) found.push(`${table}.${name} is declared but the database has no such column`);
  }
  for (const table of declared.keys()) if (!live.has(table)) found.push(`table ${table} is declared but the database has no such table`);
  return found;
}

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

it('declares in db/database.ts exactly the tables and columns the migrations make', async () => {
  const { rows } = await sql<{ table_name: string; column_name: string; is_nullable: 'YES' | 'NO'; data_type: string }>`
    select table_name, column_name, is_nullable, data_type from information_schema.columns
    where table_schema = 'public' and table_name not like 'kysely_migration%'
    order by table_name, ordinal_position`.execute(t.db);
  const live: Schema = new Map();
  for (const r of rows) {
    if (!live.has(r.table_name)) live.set(r.table_name, new Map());
    live.get(r.table_name)!.set(r.column_name, { nullable: r.is_nullable === 'YES', kinds: kindOfDataType(r.data_type) });
  }
  expect(live.size).toBeGreaterThan(10);
  expect(differences(declaredSchema(databaseTs), live)).toEqual([]);
});
