//! Relations of several hops through `query!` itself, decoded into its
//! typed rows on every database, against answers counted here in plain
//! loops over the inserted rows: a `many_to_many` (also between rows of
//! one model), a `has_many` through a path, and the join form over them.

use std::collections::BTreeMap;

use fanless::query;
use fanless_tests::library::{self, Author, Book, Region};
use fanless_tests::reference::{Dataset, Value};
use fanless_tests::{drop_databases, fetch_all, name};

fn int(value: &Value) -> Option<i64> {
    match value {
        Value::Int(i) => Some(*i),
        _ => None,
    }
}

/// The rows of `table`, each as its integer columns (`None` for `NULL`
/// and for other kinds).
fn rows(data: &Dataset, table: &str) -> Vec<Vec<Option<i64>>> {
    data.tables[table]
        .iter()
        .map(|row| row.iter().map(int).collect())
        .collect()
}

/// Each author's age, by key.
fn ages(data: &Dataset) -> BTreeMap<i64, Option<i64>> {
    rows(data, "lib_author")
        .iter()
        .map(|a| (a[0].unwrap_or_default(), a[3]))
        .collect()
}

#[tokio::test]
async fn many_to_many_and_through_paths_count_what_the_rows_hold() {
    for seed in [3, 8, 21] {
        let (dbs, data) = library::setup(&format!("relations_{seed}"), seed).await;
        let ages = ages(&data);
        let links = rows(&data, "lib_book_author");
        let friendships = rows(&data, "lib_friendship");
        let books = rows(&data, "lib_book");
        let publishers = rows(&data, "lib_publisher");

        // For each book: its links to authors, their oldest age, and the
        // oldest age among the friends of those authors (a link per
        // friendship row).
        let mut want_books = Vec::new();
        for book in &books {
            let id = book[0].unwrap_or_default();
            let authors: Vec<i64> = links
                .iter()
                .filter(|l| l[0] == Some(id))
                .filter_map(|l| l[1])
                .collect();
            let oldest = authors.iter().filter_map(|a| ages[a]).max();
            let friend_ages = authors.iter().flat_map(|a| {
                friendships
                    .iter()
                    .filter(move |f| f[1] == Some(*a))
                    .filter_map(|f| ages[&f[2].unwrap_or_default()])
            });
            let publisher = book[1];
            let shelf = books.iter().filter(|b| b[1] == publisher).count() as i64;
            want_books.push((id, authors.len() as i64, oldest, friend_ages.max(), shelf));
        }
        // For each author: the books linked, and the friends.
        let want_authors: Vec<(i64, i64, i64)> = ages
            .keys()
            .map(|&id| {
                let books = links.iter().filter(|l| l[1] == Some(id)).count() as i64;
                let friends = friendships.iter().filter(|f| f[1] == Some(id)).count() as i64;
                (id, books, friends)
            })
            .collect();
        // For each region: the books of its publishers.
        let want_regions: Vec<(i64, i64)> = rows(&data, "lib_region")
            .iter()
            .map(|r| {
                let id = r[0];
                let count = publishers
                    .iter()
                    .filter(|p| p[1] == id)
                    .map(|p| books.iter().filter(|b| b[1] == p[0]).count() as i64)
                    .sum();
                (id.unwrap_or_default(), count)
            })
            .collect();
        // The join form: the books with at least one link, and the
        // distinct authors linked.
        let want_joined: Vec<(i64, i64)> = want_books
            .iter()
            .filter(|b| b.1 > 0)
            .map(|b| {
                let mut distinct: Vec<i64> = links
                    .iter()
                    .filter(|l| l[0] == Some(b.0))
                    .filter_map(|l| l[1])
                    .collect();
                distinct.sort_unstable();
                distinct.dedup();
                (b.0, distinct.len() as i64)
            })
            .collect();

        for db in &dbs {
            let got = fetch_all!(
                db,
                query!(
                    from Book
                    select id, count(authors) as authors, max(authors.age) as oldest,
                           max(authors.friends.age) as oldest_friend, count(shelf) as shelf
                    order by id
                )
            )
            .unwrap();
            let got: Vec<_> = got
                .iter()
                .map(|r| (r.id, r.authors, r.oldest, r.oldest_friend, r.shelf))
                .collect();
            assert_eq!(got, want_books, "{} seed {seed}", name(db));

            let got = fetch_all!(
                db,
                query!(from Author select id, count(books) as books, count(friends) as friends order by id)
            )
            .unwrap();
            let got: Vec<_> = got.iter().map(|r| (r.id, r.books, r.friends)).collect();
            assert_eq!(got, want_authors, "{} seed {seed}", name(db));

            let got = fetch_all!(
                db,
                query!(from Region select id, count(books) as books order by id)
            )
            .unwrap();
            let got: Vec<_> = got.iter().map(|r| (r.id, r.books)).collect();
            assert_eq!(got, want_regions, "{} seed {seed}", name(db));

            let got = fetch_all!(
                db,
                query!(
                    from Book b
                    join b.authors a
                    select b.id, count(distinct a.id) as authors
                    group by b.id
                    order by id
                )
            )
            .unwrap();
            let got: Vec<_> = got.iter().map(|r| (r.id, r.authors)).collect();
            assert_eq!(got, want_joined, "{} seed {seed}", name(db));
        }
        drop_databases(dbs).await;
    }
}

#[tokio::test]
async fn authors_without_links_have_no_books() {
    let (dbs, data) = library::setup("relations_empty", 5).await;
    for db in &dbs {
        let rows = fetch_all!(
            db,
            query!(from Author select id, exists(books) as any where not exists(books) order by id)
        )
        .unwrap();
        let linked: Vec<i64> = data.tables["lib_book_author"]
            .iter()
            .filter_map(|l| int(&l[1]))
            .collect();
        let want: Vec<i64> = data.tables["lib_author"]
            .iter()
            .filter_map(|a| int(&a[0]))
            .filter(|a| !linked.contains(a))
            .collect();
        let got: Vec<i64> = rows.iter().map(|r| r.id).collect();
        assert_eq!(got, want, "{}", name(db));
        assert!(rows.iter().all(|r| !r.any), "{}", name(db));
    }
    drop_databases(dbs).await;
}
