//! `CREATE TABLE`, `CREATE INDEX`, and the catalog query that lists the
//! leading column of each index of a table, per dialect.

use std::fmt::Write;

use super::{DialectKind, Syntax};
use crate::model::ForeignKey;
use crate::model::ModelMeta;

/// A column as `CREATE TABLE` writes it.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct ColumnDef {
    pub name: &'static str,
    pub sql: &'static str,
    pub nullable: bool,
}

/// `CREATE TABLE` for `model`, then the indexes of its foreign keys.
pub fn create_table(
    model: &ModelMeta,
    columns: &[ColumnDef],
    keys: &[ForeignKey],
    dialect: DialectKind,
) -> Vec<String> {
    let syntax = dialect.syntax();
    let mut table = String::from("CREATE TABLE ");
    syntax.quote(&mut table, model.table);
    table.push_str(" (");
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            table.push_str(", ");
        }
        syntax.quote(&mut table, column.name);
        let null = if column.nullable { "NULL" } else { "NOT NULL" };
        let _ = write!(table, " {} {null}", column.sql);
        if model.key_column() == Some(column.name) {
            table.push_str(" PRIMARY KEY");
        }
    }
    if model.key_column().is_none() {
        table.push_str(", PRIMARY KEY (");
        quote_list(&mut table, model.primary_key, syntax);
        table.push(')');
    }
    for key in keys {
        table.push_str(", FOREIGN KEY (");
        syntax.quote(&mut table, key.column);
        table.push_str(") REFERENCES ");
        syntax.quote(&mut table, key.target.table);
        table.push_str(" (");
        quote_list(&mut table, key.target.primary_key, syntax);
        table.push(')');
    }
    table.push(')');
    let mut statements = vec![table];
    // MySQL indexes a foreign key with its constraint, but not uniquely.
    statements.extend(
        keys.iter()
            .filter(|key| key.unique || (key.indexed && !dialect.indexes_foreign_keys()))
            .map(|key| create_index(model, key, dialect)),
    );
    statements
}

/// `CREATE [UNIQUE] INDEX <table>_<column>_idx ON <table> (<column>)`.
pub fn create_index(model: &ModelMeta, key: &ForeignKey, dialect: DialectKind) -> String {
    let syntax = dialect.syntax();
    let mut sql = String::from(if key.unique {
        "CREATE UNIQUE INDEX "
    } else {
        "CREATE INDEX "
    });
    syntax.quote(&mut sql, &index_name(model.table, key.column));
    sql.push_str(" ON ");
    syntax.quote(&mut sql, model.table);
    sql.push_str(" (");
    syntax.quote(&mut sql, key.column);
    sql.push(')');
    sql
}

/// `<table>_<column>_idx`, kept within 63 bytes (PostgreSQL's limit) by a
/// hash of the full name when longer.
fn index_name(table: &str, column: &str) -> String {
    let name = format!("{table}_{column}_idx");
    if name.len() <= 63 {
        return name;
    }
    // FNV-1a: stable across runs and platforms, unlike std's hasher.
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{}_{hash:016x}", &name[..46])
}

/// A query binding one parameter, a table name, that returns the leading
/// column of each index of that table (the columns a lookup by key can
/// use), and whether the index is unique on that column alone.
pub fn leading_index_columns(dialect: DialectKind) -> &'static str {
    match dialect {
        DialectKind::Postgres => {
            "SELECT a.attname::text, i.indisunique AND i.indnatts = 1 FROM pg_index i \
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] \
             WHERE i.indrelid = to_regclass(quote_ident($1))"
        }
        DialectKind::Sqlite => {
            "SELECT ii.name, il.\"unique\" = 1 AND (SELECT COUNT(*) FROM pragma_index_info(il.name)) = 1 \
             FROM pragma_index_list(?) AS il, pragma_index_info(il.name) AS ii \
             WHERE ii.seqno = 0"
        }
        DialectKind::MySql => {
            "SELECT CAST(s.COLUMN_NAME AS CHAR), s.NON_UNIQUE = 0 AND NOT EXISTS (\
             SELECT 1 FROM information_schema.STATISTICS t WHERE t.TABLE_SCHEMA = s.TABLE_SCHEMA \
             AND t.TABLE_NAME = s.TABLE_NAME AND t.INDEX_NAME = s.INDEX_NAME AND t.SEQ_IN_INDEX = 2) \
             FROM information_schema.STATISTICS s \
             WHERE s.TABLE_SCHEMA = DATABASE() AND s.TABLE_NAME = ? AND s.SEQ_IN_INDEX = 1"
        }
    }
}

/// The columns of the primary key of the table named by the query's one
/// parameter, in the current schema or database.
pub fn primary_key_columns(dialect: DialectKind) -> &'static str {
    match dialect {
        DialectKind::Postgres => {
            "SELECT a.attname::text FROM pg_index i \
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
             WHERE i.indrelid = to_regclass(quote_ident($1)) AND i.indisprimary"
        }
        DialectKind::Sqlite => "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk",
        DialectKind::MySql => {
            "SELECT CAST(COLUMN_NAME AS CHAR) FROM information_schema.STATISTICS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' \
             ORDER BY SEQ_IN_INDEX"
        }
    }
}

/// Writes `ident` quoted as `dialect` quotes identifiers.
pub fn quote_ident(dialect: DialectKind, out: &mut String, ident: &str) {
    dialect.syntax().quote(out, ident);
}

/// `"a", "b"`.
fn quote_list(out: &mut String, names: &[&str], syntax: &dyn Syntax) {
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        syntax.quote(out, name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_index_names_are_shortened_stably() {
        let table = "a_table_whose_name_is_long_enough_already";
        let name = index_name(table, "and_a_long_column_id");
        assert_eq!(name.len(), 63);
        assert_eq!(name, index_name(table, "and_a_long_column_id"));
        assert_ne!(name, index_name(table, "and_a_long_column_id2"));
        assert_eq!(
            index_name("shop_product", "store_id"),
            "shop_product_store_id_idx"
        );
    }
}
