//! The schema of the differential tests: four levels (region, publisher,
//! book, review), a nullable foreign key, a `has_one`, a self-relation, a
//! join model, and columns of every kind, nullable or not. Each model is
//! also described at run time ([`models`]), for the generator of plans.

use fanless::__private::Table;
use fanless::{Column, Many, Model, ModelMeta, Nullity, One, Optional, Relation, RelationMeta};

use crate::reference::{Dataset, Value};
use crate::{connect, execute, fetch_values, name, Db};

pub use fanless_fixtures::library::*;

/// The kind of a column's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `i64`.
    Int,
    /// `f64`.
    Float,
    /// `String`.
    Text,
    /// `bool`.
    Bool,
}

/// A model as the generator sees it.
#[derive(Debug)]
pub struct ModelInfo {
    /// Its names.
    pub meta: &'static ModelMeta,
    /// Its columns, in field order.
    pub columns: Vec<ColumnInfo>,
    /// Its relations.
    pub relations: Vec<RelInfo>,
}

impl ModelInfo {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> &ColumnInfo {
        self.columns
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no column {name} on {}", self.meta.name))
    }
}

/// A column as the generator sees it.
#[derive(Debug, Clone, Copy)]
pub struct ColumnInfo {
    /// The SQL name.
    pub name: &'static str,
    /// What its values are.
    pub kind: Kind,
    /// Whether it holds `NULL`s.
    pub nullable: bool,
}

/// A relation as the generator sees it.
#[derive(Debug, Clone)]
pub struct RelInfo {
    /// How it joins: one hop, or several.
    pub hops: Vec<RelationMeta>,
    /// Whether it is to-one and may lead to no row.
    pub optional: bool,
}

impl RelInfo {
    /// Whether it may lead to many rows.
    pub fn many(&self) -> bool {
        self.hops.iter().any(|hop| hop.many)
    }

    /// The model it leads to.
    pub fn target(&self) -> &'static ModelMeta {
        self.hops[self.hops.len() - 1].target
    }
}

/// A Rust column type, as a [`Kind`].
pub trait KindOf {
    /// The kind.
    const KIND: Kind;
}

impl KindOf for i64 {
    const KIND: Kind = Kind::Int;
}
impl KindOf for f64 {
    const KIND: Kind = Kind::Float;
}
impl KindOf for String {
    const KIND: Kind = Kind::Text;
}
impl KindOf for bool {
    const KIND: Kind = Kind::Bool;
}

/// Whether a cardinality may lead to no row while being to-one.
pub trait Optionality {
    /// `Optional`.
    const OPTIONAL: bool;
}

impl Optionality for One {
    const OPTIONAL: bool = false;
}
impl Optionality for Optional {
    const OPTIONAL: bool = true;
}
impl Optionality for Many {
    const OPTIONAL: bool = false;
}
impl<C: Optionality> Optionality for fanless::Unique<C> {
    const OPTIONAL: bool = C::OPTIONAL;
}

fn col<M, T: KindOf, N: Nullity, K>(column: Column<M, T, N, K>) -> ColumnInfo {
    ColumnInfo {
        name: column.name(),
        kind: T::KIND,
        nullable: N::NULLABLE,
    }
}

fn rel<S, T, C: Optionality>(relation: Relation<S, T, C>) -> RelInfo {
    RelInfo {
        hops: relation.hops(),
        optional: C::OPTIONAL,
    }
}

/// Every model of the schema, parents before children.
pub fn models() -> Vec<ModelInfo> {
    let (c, r) = (Region::COLUMNS, Region::RELATIONS);
    let region = ModelInfo {
        meta: Region::META,
        columns: vec![col(c.id), col(c.name)],
        relations: vec![rel(r.publishers), rel(r.books)],
    };
    let (c, r) = (Publisher::COLUMNS, Publisher::RELATIONS);
    let publisher = ModelInfo {
        meta: Publisher::META,
        columns: vec![col(c.id), col(c.region_id), col(c.name), col(c.founded)],
        relations: vec![rel(r.region), rel(r.books), rel(r.reviews), rel(r.authors)],
    };
    let (c, r) = (Author::COLUMNS, Author::RELATIONS);
    let author = ModelInfo {
        meta: Author::META,
        columns: vec![col(c.id), col(c.mentor_id), col(c.name), col(c.age)],
        relations: vec![
            rel(r.mentor),
            rel(r.mentees),
            rel(r.book_authors),
            rel(r.books),
            rel(r.friendships),
            rel(r.friends),
            rel(r.edited),
            rel(r.reviews),
            rel(r.profile),
        ],
    };
    let (c, r) = (Book::COLUMNS, Book::RELATIONS);
    let book = ModelInfo {
        meta: Book::META,
        columns: vec![
            col(c.id),
            col(c.publisher_id),
            col(c.editor_id),
            col(c.title),
            col(c.price),
            col(c.pages),
            col(c.rating),
            col(c.in_print),
        ],
        relations: vec![
            rel(r.publisher),
            rel(r.editor),
            rel(r.reviews),
            rel(r.book_authors),
            rel(r.authors),
            rel(r.stores),
            rel(r.shelf),
        ],
    };
    let (c, r) = (Review::COLUMNS, Review::RELATIONS);
    let review = ModelInfo {
        meta: Review::META,
        columns: vec![
            col(c.id),
            col(c.book_id),
            col(c.reviewer_id),
            col(c.score),
            col(c.note),
            col(c.helpful),
        ],
        relations: vec![rel(r.book), rel(r.reviewer)],
    };
    let (c, r) = (BookAuthor::COLUMNS, BookAuthor::RELATIONS);
    let book_author = ModelInfo {
        meta: BookAuthor::META,
        columns: vec![col(c.book_id), col(c.author_id), col(c.share)],
        relations: vec![rel(r.book), rel(r.author)],
    };
    let (c, r) = (Profile::COLUMNS, Profile::RELATIONS);
    let profile = ModelInfo {
        meta: Profile::META,
        columns: vec![col(c.id), col(c.author_id), col(c.bio)],
        relations: vec![rel(r.author)],
    };
    let (c, r) = (Store::COLUMNS, Store::RELATIONS);
    let store = ModelInfo {
        meta: Store::META,
        columns: vec![col(c.id), col(c.name)],
        relations: vec![rel(r.books), rel(r.authors)],
    };
    let (c, r) = (StoreBook::COLUMNS, StoreBook::RELATIONS);
    let store_book = ModelInfo {
        meta: StoreBook::META,
        columns: vec![col(c.store_id), col(c.book_id)],
        relations: vec![rel(r.store), rel(r.book)],
    };
    let (c, r) = (Friendship::COLUMNS, Friendship::RELATIONS);
    let friendship = ModelInfo {
        meta: Friendship::META,
        columns: vec![col(c.id), col(c.from_author_id), col(c.to_author_id)],
        relations: vec![rel(r.from_author), rel(r.to_author)],
    };
    vec![
        region,
        publisher,
        author,
        book,
        review,
        book_author,
        profile,
        friendship,
        store,
        store_book,
    ]
}

/// `CREATE TABLE` for every model in `DB`, parents first.
fn tables<DB: fanless::Dialect>() -> Vec<String>
where
    Region: Table<DB>,
    Publisher: Table<DB>,
    Author: Table<DB>,
    Book: Table<DB>,
    Review: Table<DB>,
    BookAuthor: Table<DB>,
    Profile: Table<DB>,
    Friendship: Table<DB>,
    Store: Table<DB>,
    StoreBook: Table<DB>,
{
    [
        Region::create_table::<DB>(),
        Publisher::create_table::<DB>(),
        Author::create_table::<DB>(),
        Book::create_table::<DB>(),
        Review::create_table::<DB>(),
        BookAuthor::create_table::<DB>(),
        Profile::create_table::<DB>(),
        Friendship::create_table::<DB>(),
        Store::create_table::<DB>(),
        StoreBook::create_table::<DB>(),
    ]
    .concat()
}

/// The tables, from `create_table`; on MySQL, text compares by code
/// point, as on the other two, instead of by the default collation.
pub fn schema(db: &Db) -> Vec<String> {
    match db {
        Db::Sqlite(_) => tables::<sqlx::Sqlite>(),
        Db::Postgres(..) => tables::<sqlx::Postgres>(),
        Db::MySql(..) => tables::<sqlx::MySql>()
            .into_iter()
            .map(|statement| {
                statement.replace(
                    "VARCHAR(255)",
                    "VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
                )
            })
            .collect(),
    }
}

/// Empties the tables and inserts `data`.
pub async fn insert(db: &Db, data: &Dataset) {
    let models: Vec<ModelInfo> = models();
    // MySQL checks the self-reference row by row while deleting.
    let (authors, mentor) = (quote(db, "lib_author"), quote(db, "mentor_id"));
    execute(db, &format!("UPDATE {authors} SET {mentor} = NULL")).await;
    for model in models.iter().rev() {
        execute(db, &format!("DELETE FROM {}", quote(db, model.meta.table))).await;
    }
    for model in &models {
        let rows = data
            .tables
            .get(model.meta.table)
            .map_or(&[][..], Vec::as_slice);
        for row in rows {
            let columns: Vec<String> = model.columns.iter().map(|c| quote(db, c.name)).collect();
            let placeholders: Vec<String> = (1..=row.len())
                .map(|i| match db {
                    Db::Postgres(..) => format!("${i}"),
                    _ => "?".to_owned(),
                })
                .collect();
            let sql = format!(
                "INSERT INTO {} ({}) VALUES ({})",
                quote(db, model.meta.table),
                columns.join(", "),
                placeholders.join(", ")
            );
            let params: Vec<(Kind, Value)> = model
                .columns
                .iter()
                .zip(row)
                .map(|(c, v)| (c.kind, v.clone()))
                .collect();
            let params: Vec<&(Kind, Value)> = params.iter().collect();
            fetch_values(db, &sql, &params, &[])
                .await
                .unwrap_or_else(|e| panic!("{}: {sql}: {e}", name(db)));
        }
    }
}

fn quote(db: &Db, ident: &str) -> String {
    match db {
        Db::MySql(..) => format!("`{ident}`"),
        _ => format!("\"{ident}\""),
    }
}

/// `SELECT n` for `n` in `0..10^digits`, on every database, without a
/// recursive CTE (MariaDB stops those at 1,000 rows by default).
pub fn numbers(digits: u32) -> String {
    let digit = (0..10)
        .map(|d| format!("SELECT {d} AS d"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let value: Vec<String> = (0..digits)
        .map(|i| format!("{} * t{i}.d", 10_u64.pow(i)))
        .collect();
    let tables: Vec<String> = (0..digits).map(|i| format!("({digit}) AS t{i}")).collect();
    format!(
        "SELECT {} AS n FROM {}",
        value.join(" + "),
        tables.join(" CROSS JOIN ")
    )
}

/// Connects to every database for `test`, creates the tables and inserts
/// the dataset of `seed` into each.
pub async fn setup(test: &str, seed: u64) -> (Vec<Db>, Dataset) {
    let dbs = connect(test).await;
    let data = crate::generate::dataset(seed);
    for db in &dbs {
        create(db).await;
        insert(db, &data).await;
    }
    (dbs, data)
}

/// Creates the tables, then swaps the unique index of `Profile`'s key for
/// a plain one, so that the data may break the `has_one`'s promise as a
/// table made otherwise might.
pub async fn create(db: &Db) {
    for statement in schema(db) {
        execute(db, &statement).await;
    }
    execute(
        db,
        "CREATE INDEX lib_profile_author ON lib_profile (author_id)",
    )
    .await;
    let drop = match db {
        Db::MySql(..) => "DROP INDEX lib_profile_author_id_idx ON lib_profile",
        _ => "DROP INDEX lib_profile_author_id_idx",
    };
    execute(db, drop).await;
}
