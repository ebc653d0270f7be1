//! `order by` the name of a select item that may be `NULL`, on every
//! database: an aggregate over joined rows, a column through a to-one
//! relation, an aggregate over a path, each named like a column the
//! statement reads. `NULL` sorts last ascending and first descending.

use std::cmp::Ordering;

use fanless::{query, Model};
use fanless_tests::{connect, drop_databases, execute, fetch_all, name, Db};

/// A tree of nodes, each with its own `stars` and `karma`.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "ord_node")]
#[model(has_many(children = Node, via = parent))]
struct Node {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(parent = Node))]
    parent_id: Option<i64>,
    stars: Option<i64>,
    karma: Option<i64>,
}

/// Each node's own `stars` orders them unlike its parent's `karma`, so
/// that reading the column in place of the item shows.
fn nodes() -> Vec<Node> {
    let node = |id, parent_id, stars, karma| Node {
        id,
        parent_id,
        stars,
        karma,
    };
    vec![
        node(1, None, Some(1), Some(30)),
        node(2, Some(1), None, None),
        node(3, Some(1), Some(9), Some(10)),
        node(4, Some(3), Some(5), Some(20)),
        node(5, Some(2), Some(2), Some(40)),
        node(6, None, Some(7), None),
        node(7, Some(6), None, Some(15)),
    ]
}

async fn load(test: &str) -> Vec<Db> {
    let dbs = connect(test).await;
    for db in &dbs {
        let tables = match db {
            Db::Sqlite(_) => Node::create_table::<sqlx::Sqlite>(),
            Db::Postgres(..) => Node::create_table::<sqlx::Postgres>(),
            Db::MySql(..) => Node::create_table::<sqlx::MySql>(),
        };
        for statement in tables {
            execute(db, &statement).await;
        }
        for n in nodes() {
            let value = |v: Option<i64>| v.map_or("NULL".to_owned(), |v| v.to_string());
            let sql = format!(
                "INSERT INTO ord_node (id, parent_id, stars, karma) VALUES ({}, {}, {}, {})",
                n.id,
                value(n.parent_id),
                value(n.stars),
                value(n.karma)
            );
            execute(db, &sql).await;
        }
    }
    dbs
}

/// `a` against `b` as fanless orders a nullable key: `NULL` after every
/// value ascending, before every value descending.
fn nulls_last(a: Option<i64>, b: Option<i64>, desc: bool) -> Ordering {
    let order = match (a, b) {
        (Some(a), Some(b)) => a.cmp(&b),
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
    };
    if desc {
        order.reverse()
    } else {
        order
    }
}

/// `(id, value)` of each node, sorted by value (`desc` or not), then id.
fn sorted(mut rows: Vec<(i64, Option<i64>)>, desc: bool) -> Vec<(i64, Option<i64>)> {
    rows.sort_by(|a, b| nulls_last(a.1, b.1, desc).then(a.0.cmp(&b.0)));
    rows
}

fn parent_karma() -> Vec<(i64, Option<i64>)> {
    let all = nodes();
    all.iter()
        .map(|n| {
            let parent = all.iter().find(|p| Some(p.id) == n.parent_id);
            (n.id, parent.and_then(|p| p.karma))
        })
        .collect()
}

fn best_child_karma() -> Vec<(i64, Option<i64>)> {
    let all = nodes();
    all.iter()
        .map(|n| {
            let best = all
                .iter()
                .filter(|c| c.parent_id == Some(n.id))
                .filter_map(|c| c.karma)
                .max();
            (n.id, best)
        })
        .collect()
}

#[tokio::test]
async fn a_column_through_a_relation_named_like_an_own_column() {
    let dbs = load("ordering_to_one").await;
    for db in &dbs {
        for desc in [false, true] {
            let got: Result<Vec<_>, _> = match desc {
                false => fetch_all!(
                    db,
                    query!(from Node select id, parent.karma as stars order by stars, id)
                )
                .map(|rows| rows.iter().map(|r| (r.id, r.stars)).collect()),
                true => fetch_all!(
                    db,
                    query!(from Node select id, parent.karma as stars order by stars desc, id)
                )
                .map(|rows| rows.iter().map(|r| (r.id, r.stars)).collect()),
            };
            let got = got.unwrap_or_else(|e| panic!("{}: {e}", name(db)));
            assert_eq!(got, sorted(parent_karma(), desc), "{}", name(db));
        }
        let rows = fetch_all!(
            db,
            query!(from Node select id, parent.id as parent_id order by parent_id desc, id)
        )
        .unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        let got: Vec<_> = rows.iter().map(|r| (r.id, r.parent_id)).collect();
        let want = nodes().iter().map(|n| (n.id, n.parent_id)).collect();
        assert_eq!(got, sorted(want, true), "{}", name(db));
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn an_aggregate_named_like_a_column() {
    let dbs = load("ordering_aggregates").await;
    for db in &dbs {
        // Over a path: a subquery or a derived table.
        for desc in [false, true] {
            let got: Result<Vec<_>, _> = match desc {
                false => fetch_all!(
                    db,
                    query!(from Node select id, max(children.karma) as stars order by stars, id)
                )
                .map(|rows| rows.iter().map(|r| (r.id, r.stars)).collect()),
                true => fetch_all!(
                    db,
                    query!(from Node select id, max(children.karma) as stars order by stars desc, id limit 5)
                )
                .map(|rows| rows.iter().map(|r| (r.id, r.stars)).collect()),
            };
            let got = got.unwrap_or_else(|e| panic!("{}: {e}", name(db)));
            let mut want = sorted(best_child_karma(), desc);
            want.truncate(if desc { 5 } else { want.len() });
            assert_eq!(got, want, "{}", name(db));
        }

        // Over joined rows, grouped.
        let rows = fetch_all!(
            db,
            query!(
                from Node n left join n.children c
                select n.id, max(c.karma) as karma
                group by n.id
                order by karma, n.id
            )
        )
        .unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        let got: Vec<_> = rows.iter().map(|r| (r.id, r.karma)).collect();
        assert_eq!(got, sorted(best_child_karma(), false), "{}", name(db));

        // Over the whole table: one row.
        let rows = fetch_all!(
            db,
            query!(from Node select count(*) as n, max(karma) as last order by last)
        )
        .unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        let want = nodes().iter().filter_map(|n| n.karma).max();
        assert_eq!(
            rows.iter().map(|r| (r.n, r.last)).collect::<Vec<_>>(),
            vec![(7, want)],
            "{}",
            name(db)
        );
    }
    drop_databases(dbs).await;
}
