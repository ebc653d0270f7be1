//! Optional filters (`{?expr}`): a comparison that holds one which is
//! `None` is dropped, as if it had not been written: from the `and` or
//! `or` around it, then any `and`, `or` or `not` left with nothing. Checked
//! on every database against the same filters written out in Rust, for
//! every combination of present and absent values.

use fanless::query;
use fanless_tests::library::{self, Book, Publisher};
use fanless_tests::reference::{Dataset, Value};
use fanless_tests::{drop_databases, fetch_all, ids_of, name};

const SEED: u64 = 13;

/// The books, as `(id, publisher_id, title, price)`.
fn books(data: &Dataset) -> Vec<(i64, i64, String, f64)> {
    data.tables["lib_book"]
        .iter()
        .map(|row| match (&row[0], &row[1], &row[3], &row[4]) {
            (Value::Int(id), Value::Int(publisher), Value::Text(title), Value::Float(price)) => {
                (*id, *publisher, title.clone(), *price)
            }
            other => panic!("a book of {other:?}"),
        })
        .collect()
}

#[tokio::test]
async fn absent_filters_are_dropped_from_and_or_and_not() {
    let (dbs, data) = library::setup("optional_filters", SEED).await;
    let books = books(&data);
    let title = books[0].2.clone();
    let titles = [None, Some(title.as_str())];
    let prices = [None, Some(10.0)];
    let publishers = [None, Some(vec![books[0].1])];
    for db in &dbs {
        let what = name(db);
        for title in titles {
            for min_price in prices {
                let kept = |b: &&(i64, i64, String, f64)| {
                    title.is_none_or(|t| b.2 == t) && min_price.is_none_or(|p| b.3 > p)
                };
                let want: Vec<i64> = books.iter().filter(kept).map(|b| b.0).collect();
                let got = fetch_all!(
                    db,
                    query!(from Book select id where title = {?title} and price > {?min_price} order by id)
                );
                assert_eq!(
                    ids_of(got, |r| r.id, what),
                    want,
                    "and: {title:?} {min_price:?} {what}"
                );

                // `or`: each present side; neither present, every row.
                let want: Vec<i64> = books
                    .iter()
                    .filter(|b| match (title, min_price) {
                        (None, None) => true,
                        _ => title.is_some_and(|t| b.2 == t) || min_price.is_some_and(|p| b.3 > p),
                    })
                    .map(|b| b.0)
                    .collect();
                let got = fetch_all!(
                    db,
                    query!(from Book select id where title = {?title} or price > {?min_price} order by id)
                );
                assert_eq!(
                    ids_of(got, |r| r.id, what),
                    want,
                    "or: {title:?} {min_price:?} {what}"
                );

                // `not` around a dropped comparison is dropped too, and
                // what is left beside it stays.
                let want: Vec<i64> = books
                    .iter()
                    .filter(|b| b.3 < 30.0 && min_price.is_none_or(|p| b.3 <= p))
                    .map(|b| b.0)
                    .collect();
                let got = fetch_all!(
                    db,
                    query!(from Book select id where price < 30.0 and not (price > {?min_price}) order by id)
                );
                assert_eq!(
                    ids_of(got, |r| r.id, what),
                    want,
                    "not: {min_price:?} {what}"
                );
            }
        }
        // An optional list, and a filter in an aggregate's `where`.
        for publisher in &publishers {
            let want: Vec<i64> = books
                .iter()
                .filter(|b| publisher.as_ref().is_none_or(|p| p.contains(&b.1)))
                .map(|b| b.0)
                .collect();
            let got = fetch_all!(
                db,
                query!(from Book select id where publisher_id in {?publisher.as_ref()} order by id)
            );
            assert_eq!(
                ids_of(got, |r| r.id, what),
                want,
                "list: {publisher:?} {what}"
            );
        }
        for min_price in prices {
            let got = fetch_all!(
                db,
                query!(from Publisher select id, count(books where price > {?min_price}) as n order by id)
            );
            let got: Vec<(i64, i64)> = got.expect(what).iter().map(|r| (r.id, r.n)).collect();
            let want: Vec<(i64, i64)> = data.tables["lib_publisher"]
                .iter()
                .map(|row| {
                    let Value::Int(id) = row[0] else {
                        panic!("a publisher id of {:?}", row[0])
                    };
                    let n = books
                        .iter()
                        .filter(|b| b.1 == id && min_price.is_none_or(|p| b.3 > p))
                        .count();
                    (id, n as i64)
                })
                .collect();
            assert_eq!(got, want, "aggregate: {min_price:?} {what}");
        }
    }
    drop_databases(dbs).await;
}

// Each combination is its own text, without the dropped comparisons: an
// index on the compared column stays usable.
#[test]
fn each_combination_renders_without_what_it_drops() {
    let sql = |title: Option<&str>, price: Option<f64>| {
        query!(from Book select id where title = {?title} and price > {?price})
            .sql::<sqlx::Sqlite>()
    };
    assert_eq!(
        sql(None, None),
        r#"SELECT t0."id" AS "id" FROM "lib_book" AS t0"#
    );
    assert_eq!(
        sql(Some("a"), None),
        r#"SELECT t0."id" AS "id" FROM "lib_book" AS t0 WHERE t0."title" = ?"#
    );
    assert_eq!(
        sql(None, Some(1.0)),
        r#"SELECT t0."id" AS "id" FROM "lib_book" AS t0 WHERE t0."price" > ?"#
    );
    assert_eq!(
        sql(Some("a"), Some(1.0)),
        r#"SELECT t0."id" AS "id" FROM "lib_book" AS t0 WHERE (t0."title" = ? AND t0."price" > ?)"#
    );
    // Rendered once per combination: the same text, the same allocation.
    assert!(std::ptr::eq(sql(Some("b"), None), sql(Some("a"), None)));
}
