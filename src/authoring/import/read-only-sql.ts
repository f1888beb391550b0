/**
 * Whether SQL given to `psql -c` or `mysql -e` only reads. Conservative: every statement starts
 * with SELECT, SHOW, TABLE, VALUES, EXPLAIN (without ANALYZE), DESCRIBE or a psql `\d…` listing;
 * no word that writes, locks or runs something appears anywhere (INSERT, UPDATE, INTO, FOR UPDATE,
 * SET, CALL…); and every function called is on a list of ones that only read (`count`,
 * `pg_is_in_recovery`, `pg_wal_lsn_diff`…): `select pg_terminate_backend(…)` changes state.
 * Returns why not, or undefined when it only reads. Pure.
 */
export function sqlWhyNotReadOnly(sql: string): string | undefined {
  const text = stripLiterals(sql);
  if (text === undefined) return "SQL with a quote or comment that never closes";
  const statements = text.split(";").map((s) => s.trim()).filter(Boolean);
  if (statements.length === 0) return "no SQL";
  for (const statement of statements) {
    const meta = /^\\(\S+)/.exec(statement);
    if (meta) {
      if (!/^(d[a-zA-Z]*\+?|l\+?|conninfo|x)$/.test(meta[1] ?? "")) return `psql's \`\\${meta[1]}\` is not a listing`;
      continue;
    }
    const first = (/^[A-Za-z]+/.exec(statement)?.[0] ?? "").toLowerCase();
    if (!READ_STATEMENTS.has(first)) return `\`${first || statement.slice(0, 20)}\` is not a query`;
  }
  // A meta-command inside a statement: psql's `\g file` and `\o` write, `\!` runs a shell; only
  // MySQL's `\G` (print vertically) and psql's `\x` are allowed there.
  for (const m of text.matchAll(/\\([A-Za-z!?]*)/g)) {
    const at = m.index ?? 0;
    const startsStatement = /(^|;)\s*$/.test(text.slice(0, at));
    if (!startsStatement && !["G", "x"].includes(m[1] ?? "")) return `\`\\${m[1] ?? ""}\` in SQL`;
  }
  for (const m of text.matchAll(/\b[A-Za-z_]+\b/g)) {
    const word = m[0].toLowerCase();
    if (WRITING_WORDS.has(word)) return `\`${m[0]}\` in SQL`;
  }
  for (const m of text.matchAll(/([A-Za-z_][A-Za-z0-9_$]*)\s*\(/g)) {
    const name = (m[1] ?? "").toLowerCase();
    if (!READ_FUNCTIONS.has(name) && !SQL_KEYWORDS.has(name)) return `\`${m[1]}(…)\` in SQL may change state`;
  }
  return undefined;
}

/** The SQL with string literals, quoted identifiers and comments blanked, or undefined if one never closes. */
function stripLiterals(sql: string): string | undefined {
  let out = "";
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === "`") {
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (sql[j] === "\\" && c === "'") j++;
        else if (sql[j] === c) {
          if (sql[j + 1] === c) j++;
          else break;
        }
      }
      if (j >= sql.length) return undefined;
      // A quoted identifier stays a name (so `"pg_terminate_backend"(…)` is still a call); a string is blanked.
      out += c === "'" ? " '' " : ` ${sql.slice(i + 1, j).replace(/[^A-Za-z0-9_$]/g, "_")} `;
      i = j;
    } else if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? sql.length : end;
      out += " ";
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      if (end === -1) return undefined;
      i = end + 1;
      out += " ";
    } else if (c === "$" && /^\$[A-Za-z_]*\$/.test(sql.slice(i, i + 64))) {
      // PostgreSQL dollar quoting: `$$ … $$` holds a function body; nothing a query needs.
      return undefined;
    } else out += c;
  }
  return out;
}

const READ_STATEMENTS = new Set(["select", "show", "table", "values", "explain", "describe", "desc", "with"]);

/** Words that write, lock, or run code when they appear anywhere in a statement. */
const WRITING_WORDS = new Set([
  "insert", "update", "delete", "merge", "upsert", "replace", "drop", "alter", "create", "truncate", "rename", "grant", "revoke",
  "vacuum", "analyze", "analyse", "reindex", "cluster", "copy", "call", "do", "exec", "execute", "prepare", "deallocate", "lock",
  "set", "reset", "into", "listen", "notify", "unlisten", "discard", "refresh", "comment", "security", "checkpoint", "load",
  "import", "kill", "flush", "purge", "install", "uninstall", "start", "stop", "change", "commit", "rollback", "begin", "savepoint",
  "release", "handler", "share", "nowait", "outfile", "dumpfile", "sleep", "benchmark",
]);

/** SQL keywords and type names that are followed by `(` without being a call. */
const SQL_KEYWORDS = new Set([
  "select", "from", "where", "and", "or", "not", "in", "exists", "any", "all", "some", "as", "on", "join", "using", "over", "filter",
  "values", "with", "when", "then", "else", "case", "by", "having", "union", "intersect", "except", "lateral", "array", "row",
  "within", "group", "partition", "order", "is", "like", "ilike", "between", "distinct", "limit", "offset", "explain", "table",
  "numeric", "decimal", "varchar", "char", "character", "interval", "timestamp", "timestamptz", "time", "int", "integer",
  "bigint", "smallint", "float", "real", "double", "text", "bit", "varbit", "cast", "extract", "coalesce", "nullif", "greatest",
  "least", "if", "ifnull", "isnull", "position", "overlay", "trim", "substring", "collate", "at",
]);

/** Functions that only read. `select f()` with any other function may change state. */
const READ_FUNCTIONS = new Set([
  "count", "sum", "min", "max", "avg", "round", "floor", "ceil", "ceiling", "abs", "sqrt", "power", "mod", "div", "ln", "log", "exp",
  "now", "clock_timestamp", "statement_timestamp", "transaction_timestamp", "current_timestamp", "current_date", "age",
  "date_trunc", "date_part", "to_char", "to_timestamp", "to_date", "to_number", "justify_interval", "make_interval",
  "lower", "upper", "length", "char_length", "octet_length", "substr", "left", "right", "concat", "concat_ws", "format",
  "split_part", "strpos", "lpad", "rpad", "ltrim", "rtrim", "btrim", "regexp_replace", "regexp_matches", "string_agg",
  "array_agg", "array_length", "array_to_string", "unnest", "json_agg", "jsonb_agg", "json_build_object",
  "jsonb_build_object", "to_json", "to_jsonb", "jsonb_pretty", "row_number", "rank", "dense_rank", "lag", "lead", "percentile_cont",
  "percentile_disc", "bool_and", "bool_or", "every", "version", "current_setting", "current_database", "current_schema",
  "current_user", "session_user", "inet_server_addr", "inet_server_port", "inet_client_addr", "has_table_privilege",
  "has_database_privilege", "has_schema_privilege", "pg_size_pretty", "pg_size_bytes", "pg_database_size", "pg_relation_size",
  "pg_total_relation_size", "pg_table_size", "pg_indexes_size", "pg_tablespace_size", "pg_column_size", "pg_is_in_recovery",
  "pg_is_wal_replay_paused", "pg_current_wal_lsn", "pg_current_wal_insert_lsn", "pg_current_wal_flush_lsn",
  "pg_last_wal_receive_lsn", "pg_last_wal_replay_lsn", "pg_last_xact_replay_timestamp", "pg_wal_lsn_diff",
  "pg_walfile_name", "pg_current_xlog_location", "pg_last_xlog_receive_location", "pg_last_xlog_replay_location",
  "pg_xlog_location_diff", "pg_backend_pid", "pg_blocking_pids", "pg_postmaster_start_time", "pg_conf_load_time",
  "pg_get_indexdef", "pg_get_constraintdef", "pg_get_viewdef", "pg_get_functiondef", "pg_get_userbyid", "pg_get_expr",
  "pg_get_serial_sequence", "pg_relation_filepath", "pg_stat_get_activity", "pg_control_checkpoint", "pg_control_system",
  "pg_is_other_temp_schema", "pg_typeof", "txid_current_snapshot", "mxid_age", "quote_ident", "quote_literal",
  "to_regclass", "obj_description", "col_description", "date_format", "timestampdiff", "unix_timestamp", "from_unixtime",
  "database", "user", "schema", "connection_id", "uuid", "md5",
]);
