//! Regression tests of the documented semantics, each a query that once
//! returned a wrong answer or failed: run through `query!` on every
//! database, compared with the reference evaluator on the macro's own plan
//! and with a property checked by hand.

use fanless::__private::{CmpOp, ColumnPath, Cond, Expr, Temporal};
use fanless::{query, Model};
use fanless_tests::library::{self, Author, Book, Publisher};
use fanless_tests::reference::{evaluate, Dataset, Value};
use fanless_tests::{drop_databases, fetch_all, name, Db};

/// The dataset every test here reads.
const SEED: u64 = 9;

fn ids(rows: impl IntoIterator<Item = i64>) -> Vec<Vec<Value>> {
    rows.into_iter().map(|id| vec![Value::Int(id)]).collect()
}

fn int(value: &Value) -> Option<i64> {
    match value {
        Value::Int(n) => Some(*n),
        _ => None,
    }
}

/// The books of the dataset, as `(id, publisher_id, editor_id, title)`.
fn books(data: &Dataset) -> Vec<(i64, i64, Option<i64>, String)> {
    data.tables["lib_book"]
        .iter()
        .map(|row| {
            let title = match &row[3] {
                Value::Text(title) => title.clone(),
                other => panic!("a title of {other:?}"),
            };
            (
                int(&row[0]).unwrap(),
                int(&row[1]).unwrap(),
                int(&row[2]),
                title,
            )
        })
        .collect()
}

// A path that starts with a to-one hop, under `where` and `limit`, in a
// derived table restricted to the selected keys: the restriction is on the
// parent's keys, not the root's.
#[tokio::test]
async fn a_restricted_path_from_a_to_one_hop_counts_the_parents_rows() {
    let (dbs, data) = library::setup("restricted_to_one", SEED).await;
    let books = books(&data);
    let first = books[0].0;
    let per_publisher = |publisher: i64| books.iter().filter(|b| b.1 == publisher).count() as i64;
    let want: Vec<(i64, i64)> = books
        .iter()
        .filter(|b| b.0 > first)
        .map(|b| (b.0, per_publisher(b.1)))
        .collect();
    assert!(
        want.iter().any(|&(_, n)| n > 1),
        "the data must share publishers"
    );
    for db in &dbs {
        let q =
            query!(from Book select id, count(publisher.books) as n where id > {first} order by id);
        let plan = q.plan();
        let rows = fetch_all!(db, q).unwrap();
        let got: Vec<(i64, i64)> = rows.iter().map(|r| (r.id, r.n)).collect();
        assert_eq!(got, want, "{}", name(db));
        let reference: Vec<(i64, i64)> = evaluate(&plan, &data, &[Value::Int(first)])
            .iter()
            .map(|row| (int(&row[0]).unwrap(), int(&row[1]).unwrap()))
            .collect();
        assert_eq!(reference, want);

        let limited = fetch_all!(
            db,
            query!(from Book select id, count(publisher.books) as n where id > {first} order by id limit 3)
        )
        .unwrap();
        let got: Vec<(i64, i64)> = limited.iter().map(|r| (r.id, r.n)).collect();
        assert_eq!(got, want[..3.min(want.len())], "{}", name(db));
    }
    drop_databases(dbs).await;
}

// `=` and `!=` with a nullable side compare as Rust's `Option` does.
#[tokio::test]
async fn equality_with_null_is_rusts() {
    let (dbs, data) = library::setup("null_equality", SEED).await;
    let books = books(&data);
    let without: Vec<i64> = books
        .iter()
        .filter(|b| b.2.is_none())
        .map(|b| b.0)
        .collect();
    let not_two: Vec<i64> = books
        .iter()
        .filter(|b| b.2 != Some(2))
        .map(|b| b.0)
        .collect();
    assert!(!without.is_empty() && not_two.len() > without.len());
    let none: Option<i64> = None;
    for db in &dbs {
        let q = query!(from Book select id where editor_id = {none} order by id);
        let rows: Vec<i64> = fetch_all!(db, q).unwrap().iter().map(|r| r.id).collect();
        assert_eq!(rows, without, "{}", name(db));
        let q = query!(from Book select id where editor_id != {2_i64} order by id);
        let rows: Vec<i64> = fetch_all!(db, q).unwrap().iter().map(|r| r.id).collect();
        assert_eq!(rows, not_two, "{}", name(db));
        // Through a nullable relation, and under `not`.
        let q = query!(from Book select id where not (editor.id = {2_i64}) order by id);
        let plan = q.plan();
        let rows: Vec<i64> = fetch_all!(db, q).unwrap().iter().map(|r| r.id).collect();
        assert_eq!(rows, not_two, "{}", name(db));
        assert_eq!(ids(rows), evaluate(&plan, &data, &[Value::Int(2)]));
    }
    drop_databases(dbs).await;
}

// The macro marks a comparison nullable exactly when a side can be `NULL`:
// an `Option` column, a column through a nullable relation, or a
// parameter meeting one.
#[test]
fn comparisons_know_which_side_is_nullable() {
    let nullable = |plan: fanless::__private::Plan| match plan.filter {
        Some(Cond::Cmp { nullable, op, .. }) => (op, nullable),
        other => panic!("not a comparison: {other:?}"),
    };
    let q = query!(from Book where editor_id = {2_i64});
    assert_eq!(nullable(q.plan()), (CmpOp::Eq, true));
    let q = query!(from Book where publisher_id != {2_i64});
    assert_eq!(nullable(q.plan()), (CmpOp::Ne, false));
    let q = query!(from Book where editor.name = {"x"});
    assert_eq!(nullable(q.plan()), (CmpOp::Eq, true));
    let q = query!(from Book where publisher.name = {"x"});
    assert_eq!(nullable(q.plan()), (CmpOp::Eq, false));
    let q = query!(from Publisher where books.pages = 3);
    assert_eq!(nullable(q.plan()), (CmpOp::Eq, true));
    let q = query!(from Author where id = mentor_id);
    let plan = q.plan();
    assert_eq!(
        plan.filter,
        Some(Cond::Cmp {
            left: Expr::Column(ColumnPath {
                alias: 0,
                hops: Vec::new(),
                column: "id",
                temporal: Temporal::Plain,
            }),
            op: CmpOp::Eq,
            right: Expr::Column(ColumnPath {
                alias: 0,
                hops: Vec::new(),
                column: "mentor_id",
                temporal: Temporal::Plain,
            }),
            nullable: true,
        })
    );
    assert_eq!(plan.root, Author::META);
}

// Every shape averages in double precision: MariaDB's `AVG` of an integer
// in a derived table once kept 4 decimals.
#[tokio::test]
async fn averages_are_exact_in_every_shape() {
    let (dbs, data) = library::setup("exact_averages", SEED).await;
    for db in &dbs {
        // `books` is unindexed: a derived table over every publisher.
        let q = query!(from Publisher select id, avg(books.reviews.score) as score order by id);
        let plan = q.plan();
        let rows = fetch_all!(db, q).unwrap();
        let want = evaluate(&plan, &data, &[]);
        assert_eq!(rows.len(), want.len());
        let mut fractions = 0;
        for (row, want) in rows.iter().zip(&want) {
            let want = match want[1] {
                Value::Float(x) => Some(x),
                _ => None,
            };
            fractions += usize::from(want.is_some_and(|x| (x * 4.0).fract() != 0.0));
            let close = match (row.score, want) {
                (Some(a), Some(b)) => (a - b).abs() <= 1e-12 * b.abs(),
                (a, b) => a == b,
            };
            assert!(close, "{}: {:?} against {want:?}", name(db), row.score);
        }
        assert!(fractions > 0, "the data must have averages like 1/3");
    }
    drop_databases(dbs).await;
}

// `like` matches `%` and `_` literally after `\`, and case matters, on
// every database.
#[tokio::test]
async fn like_escapes_wildcards_alike() {
    let (dbs, data) = library::setup("like_escapes", SEED).await;
    let books = books(&data);
    let matching = |keep: &dyn Fn(&str) -> bool| -> Vec<i64> {
        books.iter().filter(|b| keep(&b.3)).map(|b| b.0).collect()
    };
    let percent = matching(&|t| t.contains('%'));
    let underscore = matching(&|t| t.contains('_'));
    let backslash = matching(&|t| t.contains('\\'));
    let lower_a = matching(&|t| t.starts_with('a'));
    assert!(!percent.is_empty() && !underscore.is_empty() && !backslash.is_empty());
    let cases = [
        ("%\\%%", percent),
        ("%\\_%", underscore),
        ("%\\\\%", backslash),
        ("a%", lower_a),
    ];
    for db in &dbs {
        for (pattern, want) in &cases {
            let q = query!(from Book select id where title like {*pattern} order by id);
            let got: Vec<i64> = fetch_all!(db, q).unwrap().iter().map(|r| r.id).collect();
            assert_eq!(&got, want, "{}: {pattern}", name(db));
        }
    }
    drop_databases(dbs).await;
}

// A negative `limit` or `offset` parameter is an `Err`, never every row,
// and the pool serves the next query.
#[tokio::test]
async fn a_negative_limit_is_an_error() {
    let (dbs, data) = library::setup("negative_limit", SEED).await;
    let all = data.tables["lib_book"].len();
    for db in &dbs {
        let limit = -1_i64;
        let error = fetch_all!(db, query!(from Book select id limit {limit})).unwrap_err();
        assert!(
            error.to_string().contains("must not be negative"),
            "{}: {error}",
            name(db)
        );
        let error = fetch_all!(db, query!(from Book select id offset {limit})).unwrap_err();
        assert!(
            error.to_string().contains("must not be negative"),
            "{}: {error}",
            name(db)
        );
        let rows = fetch_all!(db, query!(from Book select id limit {all as i64})).unwrap();
        assert_eq!(rows.len(), all, "{}", name(db));
        let error = fetch_all!(db, query!(from Book select id limit {-1_i32})).unwrap_err();
        assert!(
            error.to_string().contains("must not be negative"),
            "{}: {error}",
            name(db)
        );
        let error = fetch_all!(db, query!(from Book select id limit {u64::MAX})).unwrap_err();
        assert!(
            error.to_string().contains("must be at most"),
            "{}: {error}",
            name(db)
        );
    }
    drop_databases(dbs).await;
}

// `limit` and `offset` take any integer type, as handlers hold them
// (`usize` lengths, `u32` page sizes), and mean what an `i64` would.
#[tokio::test]
async fn limit_and_offset_take_any_integer_type() {
    let (dbs, data) = library::setup("integer_limit", SEED).await;
    let mut ids: Vec<i64> = data.tables["lib_book"]
        .iter()
        .map(|row| match row[0] {
            Value::Int(id) => id,
            _ => unreachable!("book keys are integers"),
        })
        .collect();
    ids.sort_unstable();
    let (page, skip): (usize, u32) = (3, 1);
    let want: Vec<i64> = ids.iter().copied().skip(1).take(3).collect();
    for db in &dbs {
        let q = query!(from Book select id order by id limit {page} offset {skip});
        let got: Vec<i64> = fetch_all!(db, q).unwrap().iter().map(|r| r.id).collect();
        assert_eq!(got, want, "{}", name(db));
        let (page, skip) = (&3_u8, &1_i16);
        let q = query!(from Book select id order by id limit {page} offset {skip});
        let got: Vec<i64> = fetch_all!(db, q).unwrap().iter().map(|r| r.id).collect();
        assert_eq!(got, want, "{}", name(db));
    }
    drop_databases(dbs).await;
}

// The null-safe `=` still finds its rows through the index on PostgreSQL,
// for a value and for `NULL` (`IS NOT DISTINCT FROM` would scan).
#[tokio::test]
async fn null_safe_equality_uses_the_index_on_postgres() {
    let dbs = fanless_tests::connect("null_safe_index").await;
    for db in &dbs {
        let Db::Postgres(pool, _) = db else {
            continue;
        };
        for statement in library::schema(db) {
            fanless_tests::execute(db, &statement).await;
        }
        for statement in [
            "INSERT INTO lib_publisher (id, name) VALUES (1, 'p')",
            "INSERT INTO lib_author (id, name) SELECT g, 'a' FROM generate_series(1, 100) g",
            "INSERT INTO lib_book (id, publisher_id, editor_id, title, price, in_print) \
             SELECT g, 1, NULLIF(g % 101, 0), 't', 1.0, TRUE FROM generate_series(1, 100000) g",
            "ANALYZE",
        ] {
            fanless_tests::execute(db, statement).await;
        }
        let editor: Option<i64> = None;
        let q = query!(from Book select id where editor_id = {editor});
        let sql = format!("EXPLAIN {}", q.sql::<sqlx::Postgres>());
        for value in [Some(7_i64), None] {
            let plan: Vec<String> = sqlx::query_scalar(&sql)
                .bind(value)
                .fetch_all(pool)
                .await
                .unwrap();
            let plan = plan.join("\n");
            assert!(plan.contains("lib_book_editor_id_idx"), "{value:?}: {plan}");
        }
    }
    drop_databases(dbs).await;
}

// A `has_one` whose data break its uniqueness (two profiles of one
// author, in a table without the unique index) never repeats root rows:
// the profile with the least key is read.
#[tokio::test]
async fn a_has_one_never_repeats_root_rows() {
    // The first dataset where an author has two profiles.
    let twice = |data: &Dataset| {
        let mut authors: Vec<Option<i64>> = data.tables["lib_profile"]
            .iter()
            .map(|row| int(&row[1]))
            .collect();
        let all = authors.len();
        authors.sort_unstable();
        authors.dedup();
        authors.len() < all
    };
    let seed = (1..)
        .find(|&seed| twice(&fanless_tests::generate::dataset(seed)))
        .unwrap();
    let (dbs, data) = library::setup("has_one_rows", seed).await;
    let profiles = &data.tables["lib_profile"];
    let of = |author: i64| -> Vec<&Vec<Value>> {
        profiles
            .iter()
            .filter(|row| int(&row[1]) == Some(author))
            .collect()
    };
    let authors: Vec<i64> = data.tables["lib_author"]
        .iter()
        .filter_map(|row| int(&row[0]))
        .collect();
    assert!(
        authors.iter().any(|&a| of(a).len() > 1),
        "the data must break the promise"
    );
    let want: Vec<(i64, Option<i64>)> = authors
        .iter()
        .map(|&a| (a, of(a).iter().filter_map(|row| int(&row[0])).min()))
        .collect();
    for db in &dbs {
        let q = query!(from Author select id, profile.id as profile order by id);
        let plan = q.plan();
        let rows = fetch_all!(db, q).unwrap();
        let got: Vec<(i64, Option<i64>)> = rows.iter().map(|r| (r.id, r.profile)).collect();
        assert_eq!(got, want, "{}", name(db));
        let reference: Vec<(i64, Option<i64>)> = evaluate(&plan, &data, &[])
            .iter()
            .map(|row| (int(&row[0]).unwrap(), int(&row[1])))
            .collect();
        assert_eq!(reference, want);
        // In a condition too: each author once.
        let q = query!(from Author select id where profile.bio is not null order by id);
        let rows = fetch_all!(db, q).unwrap();
        let with: Vec<i64> = want.iter().filter(|w| w.1.is_some()).map(|w| w.0).collect();
        assert_eq!(
            rows.iter().map(|r| r.id).collect::<Vec<_>>(),
            with,
            "{}",
            name(db)
        );
    }
    drop_databases(dbs).await;
}

// An aggregate that is a boolean compares with a value: its SQL is
// parenthesized (`COUNT(x) > 0 = $1` is a syntax error on PostgreSQL).
#[tokio::test]
async fn a_boolean_aggregate_compares() {
    let (dbs, data) = library::setup("boolean_aggregate", SEED).await;
    let with_books: Vec<i64> = {
        let mut ids: Vec<i64> = data.tables["lib_book"]
            .iter()
            .filter_map(|row| int(&row[1]))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    assert!(!with_books.is_empty());
    for db in &dbs {
        let q = query!(
            from Publisher p left join p.books b
            select p.id, exists(b) as any
            group by p.id
            having exists(b) = {true}
            order by p.id
        );
        let rows = fetch_all!(db, q).unwrap();
        assert!(rows.iter().all(|r| r.any), "{}", name(db));
        assert_eq!(
            rows.iter().map(|r| r.id).collect::<Vec<_>>(),
            with_books,
            "{}",
            name(db)
        );
    }
    drop_databases(dbs).await;
}

// MariaDB may compute a grouped derived table once per outer row ("split
// materialization") and then give a row whose group is empty the previous
// row's aggregates (10.11). Tables whose statistics say they are large
// make it choose that plan; fanless turns it off for its statement.
#[tokio::test]
async fn derived_tables_are_right_whatever_mariadb_plans() {
    let seed = 424_262;
    let (dbs, data) = library::setup("split_materialized", seed).await;
    for db in &dbs {
        if let Db::MySql(..) = db {
            // Statistics of tables a thousand times larger than the data.
            let books = format!(
                "INSERT INTO lib_book SELECT 100 + n, 1, NULL, 'x', 1.0, NULL, NULL, TRUE FROM ({}) AS numbers",
                library::numbers(3)
            );
            for statement in [
                books.as_str(),
                "INSERT INTO lib_book_author SELECT id, 1, 0.5 FROM lib_book WHERE id >= 100",
                "ANALYZE TABLE lib_book, lib_book_author, lib_author",
                "DELETE FROM lib_book_author WHERE book_id >= 100",
                "DELETE FROM lib_book WHERE id >= 100",
            ] {
                fanless_tests::execute(db, statement).await;
            }
        }
        // Two aggregates over one path: a derived table on MariaDB.
        let q = query!(
            from Book
            select id,
                   count(book_authors.author.mentor.mentees) as n,
                   max(book_authors.author.mentor.mentees.age) as oldest
            order by id
        );
        let plan = q.plan();
        let rows = fetch_all!(db, q).unwrap();
        let got: Vec<Vec<Value>> = rows
            .iter()
            .map(|r| {
                vec![
                    Value::Int(r.id),
                    Value::Int(r.n),
                    r.oldest.map_or(Value::Null, Value::Int),
                ]
            })
            .collect();
        assert_eq!(got, evaluate(&plan, &data, &[]), "{}", name(db));
    }
    drop_databases(dbs).await;
}

// A nullable value that holds parameters, tested with `in`, is written
// once: `?` placeholders bind in the order of the text.
#[tokio::test]
async fn a_nullable_value_with_parameters_meets_a_list() {
    let (dbs, data) = library::setup("nullable_in", SEED).await;
    let (price, pages, none): (f64, i64, Option<i64>) = (5.0, 100, None);
    for db in &dbs {
        let q = query!(
            from Publisher
            select id
            where max(books.pages where price > {price}) in ({pages}, {none})
            order by id
        );
        let plan = q.plan();
        let rows = fetch_all!(db, q).unwrap();
        let want = evaluate(
            &plan,
            &data,
            &[Value::Float(price), Value::Int(pages), Value::Null],
        );
        assert!(!want.is_empty(), "the data must hold such publishers");
        assert_eq!(ids(rows.iter().map(|r| r.id)), want, "{}", name(db));
    }
    drop_databases(dbs).await;
}

// `count(*)` and aggregates of the root's own columns read every row the
// `where` keeps into one row — also when it keeps none: a count of 0 and
// `NULL` for the rest, as SQL says.
#[tokio::test]
async fn whole_table_aggregates_make_one_row() {
    let (dbs, data) = library::setup("whole_table", SEED).await;
    let float = |value: &Value| match value {
        Value::Float(x) => Some(*x),
        _ => None,
    };
    let rows = &data.tables["lib_book"];
    for min_price in [10.0, f64::MAX] {
        let kept: Vec<&Vec<Value>> = rows
            .iter()
            .filter(|row| float(&row[4]).unwrap() > min_price)
            .collect();
        let pages: Vec<i64> = kept.iter().filter_map(|row| int(&row[5])).collect();
        let ratings: Vec<f64> = kept.iter().filter_map(|row| float(&row[6])).collect();
        let prices: Vec<f64> = kept.iter().filter_map(|row| float(&row[4])).collect();
        let want_avg =
            (!pages.is_empty()).then(|| pages.iter().sum::<i64>() as f64 / pages.len() as f64);
        let want = (
            kept.len() as i64,
            pages.iter().sum::<i64>(),
            ratings.iter().copied().reduce(f64::max),
            prices.iter().copied().reduce(f64::min),
        );
        assert!(min_price == f64::MAX || (want.0 > 1 && want.0 < rows.len() as i64));
        for db in &dbs {
            let q = query!(
                from Book
                select count(*) as n, sum(pages) as pages, avg(pages) as mean,
                       max(rating) as best, min(price) as cheapest
                where price > {min_price}
            );
            let plan = q.plan();
            let got = fetch_all!(db, q).unwrap();
            assert_eq!(got.len(), 1, "{}", name(db));
            let row = &got[0];
            assert_eq!(
                (row.n, row.pages, row.best, row.cheapest),
                want,
                "{}",
                name(db)
            );
            match (row.mean, want_avg) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{a} against {b}"),
                (a, b) => assert_eq!(a, b, "{}", name(db)),
            }
            let reference = evaluate(&plan, &data, &[Value::Float(min_price)]);
            assert_eq!(reference.len(), 1);
            assert_eq!(reference[0][0], Value::Int(want.0));
        }
    }
    drop_databases(dbs).await;
}

// In the join form, grouped by a model's primary key, its other columns
// are one per group: selected and sorted on, and grouped by too in the SQL.
// (Text is sorted on, not selected: the library's MySQL text is binary,
// which sqlx reads as bytes.)
#[tokio::test]
async fn columns_of_a_model_grouped_by_its_key() {
    let (dbs, data) = library::setup("grouped_by_key", SEED).await;
    let books = books(&data);
    let mut want: Vec<(String, i64, Option<i64>, i64)> = data.tables["lib_publisher"]
        .iter()
        .filter_map(|row| match (&row[0], &row[2], &row[3]) {
            (Value::Int(id), Value::Text(name), founded) => {
                let n = books.iter().filter(|b| b.1 == *id).count() as i64;
                (n > 0).then(|| (name.clone(), *id, int(founded), n))
            }
            other => panic!("a publisher of {other:?}"),
        })
        .collect();
    want.sort();
    let want: Vec<(Option<i64>, i64)> = want
        .into_iter()
        .map(|(_, _, founded, n)| (founded, n))
        .collect();
    assert!(!want.is_empty());
    for db in &dbs {
        let q = query!(
            from Publisher p join p.books b
            select p.founded, count(b) as n
            group by p.id
            order by p.name, p.id
        );
        assert!(q
            .sql::<sqlx::Sqlite>()
            .contains(r#"GROUP BY t0."id", t0."founded", t0."name""#));
        let rows = fetch_all!(db, q).unwrap();
        let got: Vec<(Option<i64>, i64)> = rows.into_iter().map(|r| (r.founded, r.n)).collect();
        assert_eq!(got, want, "{}", name(db));
    }
    drop_databases(dbs).await;
}
