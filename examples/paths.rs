//! Paths of several hops, measured against the SQL written by hand: many
//! root rows that share one parent (for each book, the number of books of
//! its publisher: a path that starts with a to-one hop), and a deep path
//! through two join models (for each book, the oldest friend of its
//! authors: four hops). Candidates run round-robin, in an order that
//! rotates each round; the time is the median, or the 25th percentile below
//! a millisecond.

use std::time::Duration;

/// The schema. Its structs describe the tables; no row is read into one.
#[allow(dead_code)]
pub mod models {
    use fanless::Model;

    /// A publisher of many books.
    #[derive(Model, Debug)]
    #[model(table = "bench_publisher")]
    #[model(has_many(books = Book))]
    pub struct Publisher {
        #[model(primary_key)]
        pub id: i64,
    }

    /// A book: the root of both shapes.
    #[derive(Model, Debug)]
    #[model(table = "bench_book")]
    #[model(has_many(shelf = Book, through = publisher, via = books))]
    #[model(many_to_many(authors = Author, through = BookAuthor))]
    pub struct Book {
        #[model(primary_key)]
        pub id: i64,
        #[model(belongs_to(Publisher))]
        pub publisher_id: i64,
    }

    /// An author, with friends through a second join model.
    #[derive(Model, Debug)]
    #[model(table = "bench_author")]
    #[model(many_to_many(friends = Author, through = Friendship, via = from_author, to = to_author))]
    pub struct Author {
        #[model(primary_key)]
        pub id: i64,
        pub age: i64,
    }

    /// The link of a book and an author, keyed by both.
    #[derive(Model, Debug)]
    #[model(table = "bench_book_author")]
    pub struct BookAuthor {
        #[model(primary_key, belongs_to(Book))]
        pub book_id: i64,
        #[model(primary_key, belongs_to(Author))]
        pub author_id: i64,
    }

    /// A friendship of two authors.
    #[derive(Model, Debug)]
    #[model(table = "bench_friendship")]
    pub struct Friendship {
        #[model(primary_key)]
        pub id: i64,
        #[model(belongs_to(from_author = Author))]
        pub from_author_id: i64,
        #[model(belongs_to(to_author = Author))]
        pub to_author_id: i64,
    }
}

/// How many rows each table gets.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub publishers: u64,
    pub books: u64,
    pub authors: u64,
    pub friendships: u64,
}

impl Sizes {
    /// 20,000 books of 100 publishers, two authors each among 10,000, and
    /// 40,000 friendships: 110,000 rows besides the publishers.
    pub const FULL: Self = Self {
        publishers: 100,
        books: 20_000,
        authors: 10_000,
        friendships: 40_000,
    };

    /// A tenth of it.
    pub const QUICK: Self = Self {
        publishers: 10,
        books: 2_000,
        authors: 1_000,
        friendships: 4_000,
    };
}

/// `SELECT n` for `n` in `0..100_000`, on every database (MariaDB stops
/// recursive CTEs at 1,000 rows by default).
fn numbers() -> String {
    let digit = (0..10)
        .map(|d| format!("SELECT {d} AS d"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let tables: Vec<String> = (0..5).map(|i| format!("({digit}) AS t{i}")).collect();
    format!(
        "SELECT t0.d + 10 * t1.d + 100 * t2.d + 1000 * t3.d + 10000 * t4.d AS n FROM {}",
        tables.join(" CROSS JOIN ")
    )
}

/// The statements that fill the tables `create_table` made.
pub fn inserts(sizes: Sizes) -> Vec<String> {
    let n = numbers();
    let Sizes {
        publishers,
        books,
        authors,
        friendships,
    } = sizes;
    vec![
        format!("INSERT INTO bench_publisher SELECT n + 1 FROM ({n}) AS n WHERE n < {publishers}"),
        format!(
            "INSERT INTO bench_book SELECT n + 1, 1 + (n * 7919) % {publishers} FROM ({n}) AS n WHERE n < {books}"
        ),
        format!(
            "INSERT INTO bench_author SELECT n + 1, 20 + (n * 31) % 60 FROM ({n}) AS n WHERE n < {authors}"
        ),
        // Two different authors per book.
        format!(
            "INSERT INTO bench_book_author SELECT n + 1, 1 + (n * 13) % {authors} FROM ({n}) AS n WHERE n < {books} \
             UNION ALL SELECT n + 1, 1 + (n * 13 + 1) % {authors} FROM ({n}) AS n WHERE n < {books}"
        ),
        format!(
            "INSERT INTO bench_friendship SELECT n + 1, 1 + (n * 7) % {authors}, 1 + (n * 11 + 3) % {authors} \
             FROM ({n}) AS n WHERE n < {friendships}"
        ),
    ]
}

/// The tables, children first.
pub const TABLES: [&str; 5] = [
    "bench_friendship",
    "bench_book_author",
    "bench_author",
    "bench_book",
    "bench_publisher",
];

/// A query of these shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `count(shelf)`: the books of each book's publisher.
    Shared,
    /// `max(authors.friends.age)`: four hops through two join models.
    Deep,
}

/// A hand-written form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// A correlated subquery, as Django's `Subquery` writes it.
    Correlated,
    /// A derived table grouped by the key the root joins on.
    Derived,
    /// A `LATERAL` subquery (PostgreSQL only).
    Lateral,
}

impl Form {
    pub const ALL: [Self; 3] = [Self::Correlated, Self::Derived, Self::Lateral];

    pub fn label(self) -> &'static str {
        match self {
            Self::Correlated => "B correlated",
            Self::Derived => "C derived",
            Self::Lateral => "D lateral",
        }
    }
}

/// The hand-written SQL of `form` for `shape` (`limit` 20 roots or all),
/// every value cast to `double`; `None` where the form does not apply.
pub fn hand_written(
    form: Form,
    shape: Shape,
    limit: bool,
    double: &str,
    lateral: bool,
) -> Option<String> {
    let limit = if limit { " LIMIT 20" } else { "" };
    // The rows each root reads, and the column it meets them on.
    let (from, inner_key, outer_key, value, empty) = match shape {
        Shape::Shared => (
            "bench_book b2",
            "b2.publisher_id",
            "b.publisher_id",
            "COUNT(*)",
            "0",
        ),
        Shape::Deep => (
            "bench_book_author ba JOIN bench_friendship f ON f.from_author_id = ba.author_id \
             JOIN bench_author a ON a.id = f.to_author_id",
            "ba.book_id",
            "b.id",
            "MAX(a.age)",
            "NULL",
        ),
    };
    let sql = match form {
        Form::Correlated => format!(
            "SELECT b.id, CAST(COALESCE((SELECT {value} FROM {from} WHERE {inner_key} = {outer_key}), {empty}) AS {double}) \
             FROM bench_book b ORDER BY b.id{limit}"
        ),
        Form::Derived => format!(
            "SELECT b.id, CAST(COALESCE(x.v, {empty}) AS {double}) FROM bench_book b \
             LEFT JOIN (SELECT {inner_key} AS k, {value} AS v FROM {from} GROUP BY {inner_key}) x \
             ON x.k = {outer_key} ORDER BY b.id{limit}"
        ),
        Form::Lateral if lateral => format!(
            "SELECT b.id, CAST(COALESCE(x.v, {empty}) AS {double}) FROM bench_book b \
             LEFT JOIN LATERAL (SELECT {value} AS v FROM {from} WHERE {inner_key} = {outer_key}) x \
             ON TRUE ORDER BY b.id{limit}"
        ),
        Form::Lateral => return None,
    };
    Some(sql)
}

/// One line of the paths table: a query, fanless's time and each form's.
pub struct PathLine {
    pub shape: Shape,
    pub limit: bool,
    pub fanless: Option<Duration>,
    pub forms: Vec<(Form, Option<Duration>)>,
}

/// Seeds the tables and measures every shape on one database; a capped
/// candidate is `None`.
macro_rules! paths_bench {
    ($pool:expr, $db:ty, $dialect:expr, $cap:expr, $quick:expr, $analyze:expr) => {{
        use ::fanless::Model as _;
        use $crate::paths::models::{Author, Book, BookAuthor, Friendship, Publisher};
        use $crate::measure::round_robin;
        use $crate::paths::{hand_written, inserts, Form, PathLine, Shape, Sizes, TABLES};
        let (pool, dialect, cap, quick): (_, Dialect, &Cap, bool) = ($pool, $dialect, $cap, $quick);
        let sizes = if quick { Sizes::QUICK } else { Sizes::FULL };
        let started = Instant::now();
        for table in TABLES {
            sqlx::raw_sql(&format!("DROP TABLE IF EXISTS {table}")).execute(pool).await?;
        }
        for statement in [
            Publisher::create_table::<$db>(),
            Book::create_table::<$db>(),
            Author::create_table::<$db>(),
            BookAuthor::create_table::<$db>(),
            Friendship::create_table::<$db>(),
        ]
        .concat()
        .into_iter()
        .chain(inserts(sizes))
        {
            sqlx::raw_sql(&statement).execute(pool).await?;
        }
        sqlx::raw_sql($analyze).execute(pool).await?;
        eprintln!("paths ({} books): seeded in {:.1} s", sizes.books, started.elapsed().as_secs_f64());
        let rounds = if quick { 4 } else { 8 };
        let mut lines = Vec::new();
        for shape in [Shape::Shared, Shape::Deep] {
            for limit in [false, true] {
                let forms: Vec<(Form, String)> = Form::ALL
                    .into_iter()
                    .filter_map(|form| {
                        let lateral = dialect == Dialect::Postgres;
                        hand_written(form, shape, limit, dialect.double(), lateral).map(|sql| (form, sql))
                    })
                    .collect();
                // Candidate 0 is fanless, then each form.
                let sqls = &forms;
                let measured = round_robin(cap, forms.len() + 1, rounds, move |candidate| async move {
                    let answer: Answer = match (candidate, shape, limit) {
                        (0, Shape::Shared, false) => {
                            let q = query!(from Book select id, count(shelf) as n order by id);
                            q.fetch_all(pool).await?.iter().map(|r| vec![Some(r.id as f64), Some(r.n as f64)]).collect()
                        }
                        (0, Shape::Shared, true) => {
                            let q = query!(from Book select id, count(shelf) as n order by id limit 20);
                            q.fetch_all(pool).await?.iter().map(|r| vec![Some(r.id as f64), Some(r.n as f64)]).collect()
                        }
                        (0, Shape::Deep, false) => {
                            let q = query!(from Book select id, max(authors.friends.age) as m order by id);
                            q.fetch_all(pool).await?.iter().map(|r| vec![Some(r.id as f64), r.m.map(|m| m as f64)]).collect()
                        }
                        (0, Shape::Deep, true) => {
                            let q = query!(from Book select id, max(authors.friends.age) as m order by id limit 20);
                            q.fetch_all(pool).await?.iter().map(|r| vec![Some(r.id as f64), r.m.map(|m| m as f64)]).collect()
                        }
                        (i, ..) => decode(sqlx::query::<$db>(&sqls[i - 1].1).fetch_all(pool).await?)?,
                    };
                    Ok(answer)
                })
                .await?;
                let mut measured = measured.into_iter();
                let fanless = match measured.next() {
                    Some(Measure::Time(time, expected)) => {
                        for (form, measure) in forms.iter().zip(measured.as_slice()) {
                            if let Measure::Time(_, answer) = measure {
                                if !same(answer, &expected) {
                                    return Err(format!("{shape:?} (limit {limit}): {} disagrees", form.0.label()).into());
                                }
                            }
                        }
                        Some(time)
                    }
                    _ => None,
                };
                let typicals = measured.map(|measure| match measure {
                    Measure::Time(time, _) => Some(time),
                    Measure::Capped => None,
                });
                lines.push(PathLine {
                    shape,
                    limit,
                    fanless,
                    forms: forms.iter().map(|(form, _)| *form).zip(typicals).collect(),
                });
                eprintln!("  paths {shape:?} limit {limit}: done");
            }
        }
        lines
    }};
}

pub(crate) use paths_bench;

/// The table of the paths shapes, in the format of the strategies table.
pub fn print_paths(lines: &[PathLine], cap: Duration, ms: fn(Duration) -> String) {
    println!("\n#### Paths of several hops\n");
    print!("| query | fanless |");
    for form in Form::ALL {
        print!(" {} |", form.label());
    }
    println!(" fanless ÷ best hand-written |");
    println!("|---|---|---|---|---|---|");
    let capped = format!(">{} s", cap.as_secs());
    for line in lines {
        let hand: Vec<Duration> = line.forms.iter().filter_map(|(_, time)| *time).collect();
        let fastest = hand.iter().chain(line.fanless.iter()).min().copied();
        let cell = |time: Option<Duration>| match (time, fastest) {
            (None, _) => capped.clone(),
            (Some(time), Some(fastest)) if time.as_secs_f64() / fastest.as_secs_f64() < 1.005 => {
                format!("**{}**", ms(time))
            }
            (Some(time), Some(fastest)) => {
                format!(
                    "{} ({:.1}×)",
                    ms(time),
                    time.as_secs_f64() / fastest.as_secs_f64()
                )
            }
            (Some(time), None) => ms(time),
        };
        let query = match line.shape {
            Shape::Shared => "`count(shelf)`: the books of each book's publisher",
            Shape::Deep => "`max(authors.friends.age)`: four hops, two join models",
        };
        let rows = if line.limit {
            "`limit 20`"
        } else {
            "all books"
        };
        print!("| {query}, {rows} | {} |", cell(line.fanless));
        for form in Form::ALL {
            match line.forms.iter().find(|(f, _)| *f == form) {
                Some((_, time)) => print!(" {} |", cell(*time)),
                None => print!(" – |"),
            }
        }
        match (line.fanless, hand.iter().min()) {
            (Some(fanless), Some(best)) => {
                println!(" {:.2}× |", fanless.as_secs_f64() / best.as_secs_f64())
            }
            _ => println!(" – |"),
        }
    }
}
