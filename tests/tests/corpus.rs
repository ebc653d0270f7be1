//! The macro's side of the differential tests: a corpus of `query!` call
//! sites, each compared with the plan written here by hand, then run on
//! every database and compared with the reference evaluator on that plan.

use fanless::__private::{
    Agg, AggFn, CmpOp, ColumnPath, Cond, Expr, Item, Join, JoinedAgg, Number, Order, Plan,
    Strategy, Temporal,
};
use fanless::{query, Model, RelationMeta};
use fanless_tests::library::{
    self, Author, Book, BookAuthor, Friendship, Publisher, Region, Review,
};
use fanless_tests::reference::{evaluate, same_rows, Dataset, Value};
use fanless_tests::{drop_databases, name, run_plan, Db};

fn col(alias: usize, hops: &[RelationMeta], column: &'static str) -> Expr {
    Expr::Column(ColumnPath {
        alias,
        hops: hops.to_vec(),
        column,
        temporal: Temporal::Plain,
    })
}

fn root(column: &'static str) -> Expr {
    col(0, &[], column)
}

fn agg(
    func: AggFn,
    distinct: bool,
    hops: &[RelationMeta],
    column: Option<&'static str>,
    filter: Option<Cond>,
) -> Expr {
    Expr::Agg(Box::new(Agg {
        func,
        distinct,
        hops: hops.to_vec(),
        column,
        temporal: Temporal::Plain,
        filter,
    }))
}

fn cmp(left: Expr, op: CmpOp, right: Expr, nullable: bool) -> Cond {
    Cond::Cmp {
        left,
        op,
        right,
        nullable,
    }
}

fn item(name: &'static str, expr: Expr) -> Item {
    Item { expr, name }
}

fn order(expr: Expr, desc: bool, nullable: bool) -> Order {
    Order {
        expr,
        desc,
        nullable,
    }
}

/// A call site: its plan, its parameters' values, and its output kinds.
struct Site {
    line: u32,
    plan: Plan,
    params: Vec<(library::Kind, Value)>,
    kinds: Vec<library::Kind>,
}

/// The corpus, each call site with the plan it must build.
fn corpus() -> Vec<Site> {
    use library::Kind::{Bool, Float, Int, Text};
    let (book, publisher, author) = (Book::RELATIONS, Publisher::RELATIONS, Author::RELATIONS);
    let review = Review::RELATIONS;
    let mut sites = Vec::new();
    let mut check =
        |line: u32, got: Plan, want: Plan, params: Vec<(library::Kind, Value)>, kinds| {
            assert_eq!(got, want, "the call site at line {line}");
            sites.push(Site {
                line,
                plan: got,
                params,
                kinds,
            });
        };

    // Columns, a to-one path, every aggregate with `distinct` and `where`.
    let min_price = 2.5;
    let q = query!(
        from Publisher
        select id, region.name as region,
               count(books) as books,
               count(distinct books.reviews.reviewer) as reviewers,
               sum(books.price where in_print) as in_print,
               avg(books.reviews.score) as score,
               min(books.title) as first,
               max(books.pages where price > {min_price}) as pages,
               exists(books.book_authors.author where age is null) as ageless
        order by id
    );
    let (books, reviews) = (publisher.books.hops()[0], book.reviews.hops()[0]);
    let mut want = Plan::new(Publisher::META);
    want.select = Some(vec![
        item("id", root("id")),
        item("region", col(0, &[publisher.region.hops()[0]], "name")),
        item("books", agg(AggFn::Count, false, &[books], None, None)),
        item(
            "reviewers",
            agg(
                AggFn::Count,
                true,
                &[books, reviews, review.reviewer.hops()[0]],
                None,
                None,
            ),
        ),
        item(
            "in_print",
            agg(
                AggFn::Sum {
                    number: Number::Float,
                },
                false,
                &[books],
                Some("price"),
                Some(Cond::Truth(root("in_print"))),
            ),
        ),
        item(
            "score",
            agg(
                AggFn::Avg {
                    number: Number::Float,
                },
                false,
                &[books, reviews],
                Some("score"),
                None,
            ),
        ),
        item(
            "first",
            agg(AggFn::Min, false, &[books], Some("title"), None),
        ),
        item(
            "pages",
            agg(
                AggFn::Max,
                false,
                &[books],
                Some("pages"),
                Some(cmp(root("price"), CmpOp::Gt, Expr::Param(0), false)),
            ),
        ),
        item(
            "ageless",
            agg(
                AggFn::Exists,
                false,
                &[
                    books,
                    book.book_authors.hops()[0],
                    BookAuthor::RELATIONS.author.hops()[0],
                ],
                None,
                Some(Cond::Null {
                    expr: root("age"),
                    negated: false,
                }),
            ),
        ),
    ]);
    want.order = vec![order(Expr::Output("id"), false, false)];
    check(
        line!(),
        q.plan(),
        want,
        vec![(Float, Value::Float(min_price))],
        vec![Int, Text, Int, Int, Float, Float, Text, Int, Bool],
    );

    // Conditions: `in`, `like`, `is null`, `not`, nested `exists`, a
    // to-many column, nullable sides, parameters in written order.
    let (pattern, low, none): (&str, i64, Option<i64>) = ("%a%", 1, None);
    let q = query!(
        from Book
        select id
        where (title like {pattern} or id in (1, {low}, 3))
          and not (editor_id = {none})
          and exists(reviews where exists(reviewer.reviews where score >= 5))
          and publisher.region.name is not null
        order by id desc
        limit {low} offset 0
    );
    let reviewer_reviews = [review.reviewer.hops()[0], author.reviews.hops()[0]];
    let mut want = Plan::new(Book::META);
    want.select = Some(vec![item("id", root("id"))]);
    want.filter = Some(Cond::And(vec![
        Cond::Or(vec![
            Cond::Like {
                expr: root("title"),
                pattern: Expr::Param(0),
                negated: false,
            },
            Cond::In {
                expr: root("id"),
                list: vec![Expr::Int(1), Expr::Param(1), Expr::Int(3)],
                negated: false,
                nullable: false,
            },
        ]),
        Cond::Not(Box::new(cmp(
            root("editor_id"),
            CmpOp::Eq,
            Expr::Param(2),
            true,
        ))),
        Cond::Truth(agg(
            AggFn::Exists,
            false,
            &[book.reviews.hops()[0]],
            None,
            Some(Cond::Truth(agg(
                AggFn::Exists,
                false,
                &reviewer_reviews,
                None,
                Some(cmp(root("score"), CmpOp::Ge, Expr::Int(5), false)),
            ))),
        )),
        Cond::Null {
            expr: col(
                0,
                &[book.publisher.hops()[0], publisher.region.hops()[0]],
                "name",
            ),
            negated: true,
        },
    ]));
    want.order = vec![order(Expr::Output("id"), true, false)];
    want.limit = Some(Expr::Param(3));
    want.offset = Some(Expr::Int(0));
    check(
        line!(),
        q.plan(),
        want,
        vec![
            (Text, Value::Text(pattern.to_owned())),
            (Int, Value::Int(low)),
            (Int, Value::Null),
            (Int, Value::Int(low)),
        ],
        vec![Int],
    );

    // Order by an aggregate's name, a to-many condition, a self-relation.
    let q = query!(
        from Author
        select id, count(mentees) as mentees, max(mentor.age) as oldest_mentor
        where book_authors.share > -1.5
        order by mentees desc, oldest_mentor, id
    );
    let mut want = Plan::new(Author::META);
    want.select = Some(vec![
        item("id", root("id")),
        item(
            "mentees",
            agg(AggFn::Count, false, &[author.mentees.hops()[0]], None, None),
        ),
        item(
            "oldest_mentor",
            agg(
                AggFn::Max,
                false,
                &[author.mentor.hops()[0]],
                Some("age"),
                None,
            ),
        ),
    ]);
    want.filter = Some(cmp(
        col(0, &[author.book_authors.hops()[0]], "share"),
        CmpOp::Gt,
        Expr::Float(-1.5),
        false,
    ));
    want.order = vec![
        order(Expr::Output("mentees"), true, false),
        order(Expr::Output("oldest_mentor"), false, true),
        order(Expr::Output("id"), false, false),
    ];
    check(line!(), q.plan(), want, Vec::new(), vec![Int, Int, Int]);

    // The join form: one chain, a left join, group by, having.
    let q = query!(
        from Region r
        left join r.publishers p
        join p.books b
        select r.name, count(distinct b.id) as books, avg(b.price) as price
        group by r.name
        having count(distinct b.id) > 1
        order by name
    );
    let mut want = Plan::new(Region::META);
    want.joins = vec![
        Join {
            parent: 0,
            hops: vec![Region::RELATIONS.publishers.hops()[0]],
            left: true,
        },
        Join {
            parent: 1,
            hops: vec![books],
            left: false,
        },
    ];
    let joined = |func, distinct, alias, column| {
        Expr::Joined(Box::new(JoinedAgg {
            func,
            distinct,
            alias,
            column,
            temporal: Temporal::Plain,
        }))
    };
    want.select = Some(vec![
        item("name", root("name")),
        item("books", joined(AggFn::Count, true, 2, Some("id"))),
        item(
            "price",
            joined(
                AggFn::Avg {
                    number: Number::Float,
                },
                false,
                2,
                Some("price"),
            ),
        ),
    ]);
    want.group = vec![root("name")];
    want.having = Some(cmp(
        joined(AggFn::Count, true, 2, Some("id")),
        CmpOp::Gt,
        Expr::Int(1),
        false,
    ));
    want.order = vec![order(Expr::Output("name"), false, false)];
    check(line!(), q.plan(), want, Vec::new(), vec![Text, Int, Float]);

    // Relations of several hops: a `many_to_many`, a `has_many` through a
    // path (one that starts with a to-one hop, one through a
    // `many_to_many`), in aggregates, a condition and the join form. The
    // hops are written out from the one-hop relations they go through.
    let (book_author, friendship) = (BookAuthor::RELATIONS, Friendship::RELATIONS);
    let authors = [
        RelationMeta {
            name: "authors",
            ..book.book_authors.hops()[0]
        },
        book_author.author.hops()[0],
    ];
    let friends = [
        RelationMeta {
            name: "friends",
            ..author.friendships.hops()[0]
        },
        friendship.to_author.hops()[0],
    ];
    let shelf = [book.publisher.hops()[0], books];
    let q = query!(
        from Book
        select id, count(authors) as authors, avg(authors.age) as age,
               count(shelf where in_print) as shelf, max(authors.friends.age) as oldest_friend
        where exists(authors where age > 30)
        order by id
    );
    let mut want = Plan::new(Book::META);
    want.select = Some(vec![
        item("id", root("id")),
        item("authors", agg(AggFn::Count, false, &authors, None, None)),
        item(
            "age",
            agg(
                AggFn::Avg {
                    number: Number::Float,
                },
                false,
                &authors,
                Some("age"),
                None,
            ),
        ),
        item(
            "shelf",
            agg(
                AggFn::Count,
                false,
                &shelf,
                None,
                Some(Cond::Truth(root("in_print"))),
            ),
        ),
        item(
            "oldest_friend",
            agg(
                AggFn::Max,
                false,
                &[authors, friends].concat(),
                Some("age"),
                None,
            ),
        ),
    ]);
    want.filter = Some(Cond::Truth(agg(
        AggFn::Exists,
        false,
        &authors,
        None,
        Some(cmp(root("age"), CmpOp::Gt, Expr::Int(30), true)),
    )));
    want.order = vec![order(Expr::Output("id"), false, false)];
    check(
        line!(),
        q.plan(),
        want,
        Vec::new(),
        vec![Int, Int, Float, Int, Int],
    );

    let q = query!(
        from Region
        select id, count(books) as books, sum(publishers.authors.age) as ages
        where books.price > 10.0
        order by id
    );
    let region_books = [Region::RELATIONS.publishers.hops()[0], books];
    let publisher_authors = [&[books][..], &authors].concat();
    let mut want = Plan::new(Region::META);
    want.select = Some(vec![
        item("id", root("id")),
        item("books", agg(AggFn::Count, false, &region_books, None, None)),
        item(
            "ages",
            agg(
                AggFn::Sum {
                    number: Number::Integer,
                },
                false,
                &[&region_books[..1], &publisher_authors].concat(),
                Some("age"),
                None,
            ),
        ),
    ]);
    want.filter = Some(cmp(
        col(0, &region_books, "price"),
        CmpOp::Gt,
        Expr::Float(10.0),
        false,
    ));
    want.order = vec![order(Expr::Output("id"), false, false)];
    check(line!(), q.plan(), want, Vec::new(), vec![Int, Int, Int]);

    let q = query!(
        from Book b
        join b.authors a
        left join a.friends f
        select b.id, count(distinct a.id) as authors, max(f.age) as oldest_friend
        group by b.id
        order by id
    );
    let mut want = Plan::new(Book::META);
    want.joins = vec![
        Join {
            parent: 0,
            hops: authors.to_vec(),
            left: false,
        },
        Join {
            parent: 1,
            hops: friends.to_vec(),
            left: true,
        },
    ];
    want.select = Some(vec![
        item("id", root("id")),
        item("authors", joined(AggFn::Count, true, 1, Some("id"))),
        item("oldest_friend", joined(AggFn::Max, false, 2, Some("age"))),
    ]);
    want.group = vec![root("id")];
    want.order = vec![order(Expr::Output("id"), false, false)];
    check(line!(), q.plan(), want, Vec::new(), vec![Int, Int, Int]);

    // Items named like columns of the model, ordered by while `NULL`.
    let q = query!(
        from Book
        select id, publisher.founded as pages, max(reviews.score) as title
        order by pages desc, title, id
    );
    let mut want = Plan::new(Book::META);
    want.select = Some(vec![
        item("id", root("id")),
        item("pages", col(0, &[book.publisher.hops()[0]], "founded")),
        item(
            "title",
            agg(AggFn::Max, false, &[reviews], Some("score"), None),
        ),
    ]);
    want.order = vec![
        order(Expr::Output("pages"), true, true),
        order(Expr::Output("title"), false, true),
        order(Expr::Output("id"), false, false),
    ];
    check(line!(), q.plan(), want, Vec::new(), vec![Int, Int, Int]);

    let q = query!(from Review select count(*) as n, max(score) as score order by score);
    let mut want = Plan::new(Review::META);
    want.select = Some(vec![
        item("n", joined(AggFn::Count, false, 0, None)),
        item("score", joined(AggFn::Max, false, 0, Some("score"))),
    ]);
    want.order = vec![order(Expr::Output("score"), false, true)];
    check(line!(), q.plan(), want, Vec::new(), vec![Int, Int]);

    sites
}

#[tokio::test]
async fn call_sites_build_the_plans_written_here_and_agree_with_the_reference() {
    let sites = corpus();
    let (dbs, data) = library::setup("corpus", 11).await;
    for db in &dbs {
        for site in &sites {
            check(db, site, &data).await;
        }
    }
    drop_databases(dbs).await;
}

async fn check(db: &Db, site: &Site, data: &Dataset) {
    let values: Vec<Value> = site.params.iter().map(|(_, v)| v.clone()).collect();
    let want = evaluate(&site.plan, data, &values);
    let got = run_plan(db, &site.plan, &site.params, &site.kinds, Strategy::Planner)
        .await
        .unwrap_or_else(|e| panic!("{} at line {}: {e}", name(db), site.line));
    assert!(
        same_rows(&got, &want, true),
        "{} at line {}:\nwant {want:?}\n got {got:?}",
        name(db),
        site.line
    );
}
