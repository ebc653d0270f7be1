//! The macro's side of the differential tests: a corpus of `query!` call
//! sites, each compared with the plan written here by hand, then run on
//! every database and compared with the reference evaluator on that plan.

use fanless::__private::{
    Agg, AggFn, CmpOp, ColumnPath, Cond, Expr, Item, Join, JoinedAgg, Order, Plan, Strategy,
};
use fanless::{query, Model, RelationMeta};
use fanless_tests::library::{self, Author, Book, Publisher, Region, Review};
use fanless_tests::reference::{evaluate, same_rows, Dataset, Value};
use fanless_tests::{drop_databases, name, run_plan, Db};

fn col(alias: usize, hops: &[RelationMeta], column: &'static str) -> Expr {
    Expr::Column(ColumnPath {
        alias,
        hops: hops.to_vec(),
        column,
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
    let (books, reviews) = (publisher.books.meta(), book.reviews.meta());
    let mut want = Plan::new(Publisher::META);
    want.select = Some(vec![
        item("id", root("id")),
        item("region", col(0, &[publisher.region.meta()], "name")),
        item("books", agg(AggFn::Count, false, &[books], None, None)),
        item(
            "reviewers",
            agg(
                AggFn::Count,
                true,
                &[books, reviews, review.reviewer.meta()],
                None,
                None,
            ),
        ),
        item(
            "in_print",
            agg(
                AggFn::Sum { float: true },
                false,
                &[books],
                Some("price"),
                Some(Cond::Truth(root("in_print"))),
            ),
        ),
        item(
            "score",
            agg(AggFn::Avg, false, &[books, reviews], Some("score"), None),
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
                    book.book_authors.meta(),
                    library::BookAuthor::RELATIONS.author.meta(),
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
    let reviewer_reviews = [review.reviewer.meta(), author.reviews.meta()];
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
            &[book.reviews.meta()],
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
            expr: col(0, &[book.publisher.meta(), publisher.region.meta()], "name"),
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
            agg(AggFn::Count, false, &[author.mentees.meta()], None, None),
        ),
        item(
            "oldest_mentor",
            agg(
                AggFn::Max,
                false,
                &[author.mentor.meta()],
                Some("age"),
                None,
            ),
        ),
    ]);
    want.filter = Some(cmp(
        col(0, &[author.book_authors.meta()], "share"),
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
            hops: vec![Region::RELATIONS.publishers.meta()],
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
        }))
    };
    want.select = Some(vec![
        item("name", root("name")),
        item("books", joined(AggFn::Count, true, 2, "id")),
        item("price", joined(AggFn::Avg, false, 2, "price")),
    ]);
    want.group = vec![root("name")];
    want.having = Some(cmp(
        joined(AggFn::Count, true, 2, "id"),
        CmpOp::Gt,
        Expr::Int(1),
        false,
    ));
    want.order = vec![order(Expr::Output("name"), false, false)];
    check(line!(), q.plan(), want, Vec::new(), vec![Text, Int, Float]);

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
