//! List parameters (`id in {ids}`): bound as one array on PostgreSQL and
//! as one placeholder per element, padded to a length class, on SQLite and
//! MySQL; compared here with the same filters computed in Rust, on every
//! database, for every list form and length class, `not in`, `NULL`s, an
//! aggregate's `where`, and 100,000 elements.

use fanless::query;
use fanless_tests::library::{self, Book, Publisher};
use fanless_tests::reference::{Dataset, Value};
use fanless_tests::{drop_databases, fetch_all, ids_of, name};

const SEED: u64 = 11;

/// The books, as `(id, publisher_id, editor_id, title)`.
fn books(data: &Dataset) -> Vec<(i64, i64, Option<i64>, String)> {
    data.tables["lib_book"]
        .iter()
        .map(|row| match (&row[0], &row[1], &row[2], &row[3]) {
            (Value::Int(id), Value::Int(publisher), editor, Value::Text(title)) => {
                let editor = match editor {
                    Value::Int(editor) => Some(*editor),
                    _ => None,
                };
                (*id, *publisher, editor, title.clone())
            }
            other => panic!("a book of {other:?}"),
        })
        .collect()
}

#[tokio::test]
async fn lists_of_every_form_and_length_match_rust() {
    let (dbs, data) = library::setup("lists", SEED).await;
    let books = books(&data);
    let all: Vec<i64> = books.iter().map(|b| b.0).collect();
    assert!(all.len() > 8);
    for db in &dbs {
        let what = name(db);
        // Every length from 0 to 9 (so every class up to 16, padded), of
        // ids that exist and ids that do not.
        for len in 0..=9usize {
            let ids: Vec<i64> = (0..len as i64).map(|i| i * 3 + 1).collect();
            let inside: Vec<i64> = all.iter().copied().filter(|id| ids.contains(id)).collect();
            let outside: Vec<i64> = all.iter().copied().filter(|id| !ids.contains(id)).collect();
            let got = fetch_all!(
                db,
                query!(from Book select id where id in {&ids} order by id)
            );
            let got: Vec<i64> = got.expect(what).iter().map(|r| r.id).collect();
            assert_eq!(got, inside, "in, {len} ids, {what}");
            let got = fetch_all!(
                db,
                query!(from Book select id where id not in {ids.clone()} order by id)
            );
            let got: Vec<i64> = got.expect(what).iter().map(|r| r.id).collect();
            assert_eq!(got, outside, "not in, {len} ids, {what}");
        }
        // Arrays, slices and references to them.
        let array = [all[0], all[2]];
        let got = fetch_all!(
            db,
            query!(from Book select id where id in {array} order by id)
        );
        assert_eq!(ids_of(got, |r| r.id, what), array);
        let got = fetch_all!(
            db,
            query!(from Book select id where id in {&array[..1]} order by id)
        );
        assert_eq!(ids_of(got, |r| r.id, what), [all[0]]);

        // A nullable column: `NULL` is in no list, so `not in` keeps it.
        let editors = vec![1_i64, 2];
        let got = fetch_all!(
            db,
            query!(from Book select id where editor_id not in {&editors} order by id)
        );
        let want: Vec<i64> = books
            .iter()
            .filter(|b| !b.2.is_some_and(|e| editors.contains(&e)))
            .map(|b| b.0)
            .collect();
        assert!(books.iter().any(|b| b.2.is_none()));
        assert_eq!(ids_of(got, |r| r.id, what), want, "{what}");
        let got = fetch_all!(
            db,
            query!(from Book select id where not (editor_id in {&editors}) order by id)
        );
        assert_eq!(ids_of(got, |r| r.id, what), want, "not (...) {what}");

        // Text, as `&str`s, and through a to-one relation.
        let titles: Vec<&str> = books.iter().step_by(3).map(|b| b.3.as_str()).collect();
        let got = fetch_all!(
            db,
            query!(from Book select id where title in {titles.clone()} order by id)
        );
        let want: Vec<i64> = books
            .iter()
            .filter(|b| titles.contains(&b.3.as_str()))
            .map(|b| b.0)
            .collect();
        assert_eq!(ids_of(got, |r| r.id, what), want, "{what}");
        // The same `&str`s borrowed: a `&Vec`, a slice, an optional slice,
        // an array.
        let got = fetch_all!(
            db,
            query!(from Book select id where title in {&titles} order by id)
        );
        assert_eq!(ids_of(got, |r| r.id, what), want, "&Vec<&str> {what}");
        let got = fetch_all!(
            db,
            query!(from Book select id where title in {titles.as_slice()} order by id)
        );
        assert_eq!(ids_of(got, |r| r.id, what), want, "&[&str] {what}");
        let some = Some(titles.as_slice());
        let got = fetch_all!(
            db,
            query!(from Book select id where title in {?some} order by id)
        );
        assert_eq!(ids_of(got, |r| r.id, what), want, "Option<&[&str]> {what}");
        let pair = [titles[0], titles[1]];
        let got = fetch_all!(
            db,
            query!(from Book select id where title in {&pair} order by id)
        );
        let two: Vec<i64> = books
            .iter()
            .filter(|b| pair.contains(&b.3.as_str()))
            .map(|b| b.0)
            .collect();
        assert_eq!(ids_of(got, |r| r.id, what), two, "&[&str; 2] {what}");
        let publishers = vec![books[0].1];
        let got = fetch_all!(
            db,
            query!(from Book select id where publisher.id in {&publishers} order by id)
        );
        let want: Vec<i64> = books
            .iter()
            .filter(|b| b.1 == publishers[0])
            .map(|b| b.0)
            .collect();
        assert_eq!(ids_of(got, |r| r.id, what), want, "{what}");

        // In an aggregate's `where`.
        let chosen: Vec<i64> = all.iter().copied().step_by(2).collect();
        let got = fetch_all!(
            db,
            query!(from Publisher select id, count(books where id in {&chosen}) as n order by id)
        );
        let got: Vec<(i64, i64)> = got.expect(what).iter().map(|r| (r.id, r.n)).collect();
        let mut want: Vec<(i64, i64)> = data.tables["lib_publisher"]
            .iter()
            .map(|row| match row[0] {
                Value::Int(id) => (id, 0),
                ref other => panic!("a publisher id of {other:?}"),
            })
            .collect();
        for (publisher, n) in &mut want {
            *n = books
                .iter()
                .filter(|b| b.1 == *publisher && chosen.contains(&b.0))
                .count() as i64;
        }
        assert_eq!(got, want, "{what}");
    }
    drop_databases(dbs).await;
}

// Long lists: 100,000 integers, one array on PostgreSQL and one JSON array
// on SQLite and MySQL; 600 integers (`not in`, `NULL`s), a JSON array on
// MySQL, placeholders on SQLite; 20,000 strings, one placeholder each on
// SQLite and MySQL.
#[tokio::test]
async fn long_lists() {
    let (dbs, data) = library::setup("long_list", SEED).await;
    let books = books(&data);
    let ids: Vec<i64> = (0..100_000).map(|i| i * 2).collect();
    let even: Vec<i64> = books.iter().map(|b| b.0).filter(|id| id % 2 == 0).collect();
    let editors: Vec<i64> = (0..600).map(|i| i * 2).collect();
    let not_even_editor: Vec<i64> = books
        .iter()
        .filter(|b| !b.2.is_some_and(|e| e % 2 == 0 && e < 1_200))
        .map(|b| b.0)
        .collect();
    let mut titles: Vec<String> = (0..20_000).map(|i| format!("no title {i}")).collect();
    titles.push(books[1].3.clone());
    let titled: Vec<i64> = books
        .iter()
        .filter(|b| b.3 == books[1].3)
        .map(|b| b.0)
        .collect();
    for db in &dbs {
        let what = name(db);
        let got = fetch_all!(
            db,
            query!(from Book select id where id in {&ids} order by id)
        );
        assert_eq!(ids_of(got, |r| r.id, what), even, "{what}");
        let got = fetch_all!(
            db,
            query!(from Book select id where editor_id not in {&editors} order by id)
        );
        assert_eq!(ids_of(got, |r| r.id, what), not_even_editor, "{what}");
        let got = fetch_all!(
            db,
            query!(from Book select id where title in {&titles} order by id)
        );
        assert_eq!(ids_of(got, |r| r.id, what), titled, "{what}");
    }
    drop_databases(dbs).await;
}

#[test]
fn length_classes_are_few_and_fit_every_limit() {
    use fanless::__private::length_class;
    assert_eq!(
        [0, 1, 2, 3, 5, 255, 256, 257].map(length_class),
        [0, 1, 2, 4, 8, 256, 256, 512]
    );
    assert_eq!(length_class(20_000), 32_766);
    assert_eq!(length_class(32_769), 36_864);
    assert_eq!(length_class(65_000), 65_535);
    assert_eq!(length_class(70_000), 70_000);
    let classes: std::collections::BTreeSet<usize> = (0..=65_535).map(length_class).collect();
    assert!(classes.len() < 32, "{} classes", classes.len());
    assert!((1..=65_535).all(|len| (len..=65_535).contains(&length_class(len))));
}
