//! One page of a blog, as its handlers would query it: authors with their
//! latest post, a post listing with the filters of a search form (each
//! optional) and a list of authors, a tag cloud over a many-to-many
//! relation, whole-table statistics, and a post looked up by its UUID.
//! Timestamps are `chrono::NaiveDateTime`; a comment's author is a nullable
//! relation (accounts get deleted).
//!
//! ```text
//! cargo run --example blog                                   # embedded SQLite
//! cargo run --example blog -- --database-url postgres://postgres@127.0.0.1/test
//! cargo run --example blog -- --database-url mysql://root@127.0.0.1/test
//! ```
//!
//! It drops and recreates its five tables (on PostgreSQL, in a schema
//! `fanless_blog`).

mod cli;

use fanless::{query, Model};
use sqlx::types::chrono::{NaiveDate, NaiveDateTime};
use sqlx::types::Uuid;
use sqlx::{MySqlPool, PgPool};

#[derive(Model, Debug)]
#[model(table = "blog_user")]
#[model(has_many(posts = Post, via = author))]
#[model(has_many(comments = Comment, via = author))]
pub struct User {
    #[model(primary_key)]
    pub id: i64,
    pub handle: String,
    pub joined: NaiveDateTime,
}

#[derive(Model, Debug)]
#[model(table = "blog_post")]
#[model(has_many(comments = Comment))]
#[model(many_to_many(tags = Tag, through = PostTag))]
pub struct Post {
    #[model(primary_key)]
    pub id: i64,
    #[model(belongs_to(author = User))]
    pub author_id: i64,
    pub public_id: Uuid,
    pub title: String,
    /// `None` while a draft. Only this program writes it, through sqlx:
    /// SQLite holds it in one form, compared as stored.
    #[model(sqlite_text = "sqlx")]
    pub published_at: Option<NaiveDateTime>,
}

#[derive(Model, Debug)]
#[model(table = "blog_comment")]
pub struct Comment {
    #[model(primary_key)]
    pub id: i64,
    #[model(belongs_to(Post))]
    pub post_id: i64,
    /// `None` once its author deleted their account.
    #[model(belongs_to(author = User))]
    pub author_id: Option<i64>,
    pub body: String,
    pub created: NaiveDateTime,
}

#[derive(Model, Debug)]
#[model(table = "blog_tag")]
#[model(many_to_many(posts = Post, through = PostTag))]
pub struct Tag {
    #[model(primary_key)]
    pub id: i64,
    pub name: String,
}

#[derive(Model, Debug)]
#[model(table = "blog_post_tag")]
pub struct PostTag {
    #[model(primary_key, belongs_to(Post))]
    pub post_id: i64,
    #[model(primary_key, belongs_to(Tag))]
    pub tag_id: i64,
}

/// Day `day` of 2026, `minutes` (under a day) past midnight.
fn at(day: u32, minutes: u32) -> NaiveDateTime {
    let date = NaiveDate::from_yo_opt(2026, day).unwrap_or_default();
    date.and_hms_opt(minutes / 60, minutes % 60, 0)
        .unwrap_or_default()
}

const HANDLES: [&str; 5] = ["ada", "grace", "linus", "barbara", "ken"];
const TAGS: [&str; 4] = ["rust", "sql", "databases", "performance"];
const POSTS: i64 = 24;

/// The post's UUID: derived from its id, so that the page can look one up.
fn public_id(post: i64) -> Uuid {
    Uuid::from_u128(0x5eed_0000_0000_4000_8000_0000_0000_0000 | post as u128)
}

/// Drops and creates the tables, and fills them.
macro_rules! seed {
    ($pool:expr, $db:ty, $placeholder:expr) => {{
        let pool = $pool;
        for table in [
            "blog_post_tag",
            "blog_comment",
            "blog_tag",
            "blog_post",
            "blog_user",
        ] {
            sqlx::raw_sql(&format!("DROP TABLE IF EXISTS {table}"))
                .execute(pool)
                .await?;
        }
        let ddl = [
            User::create_table::<$db>(),
            Post::create_table::<$db>(),
            Comment::create_table::<$db>(),
            Tag::create_table::<$db>(),
            PostTag::create_table::<$db>(),
        ];
        for statement in ddl.concat() {
            sqlx::raw_sql(&statement).execute(pool).await?;
        }
        let insert = |table: &str, columns: &[&str]| {
            let marks: Vec<String> = (1..=columns.len()).map($placeholder).collect();
            format!(
                "INSERT INTO {table} ({}) VALUES ({})",
                columns.join(", "),
                marks.join(", ")
            )
        };
        let sql = insert("blog_user", User::META.columns);
        for (i, handle) in (1..).zip(HANDLES) {
            sqlx::query(&sql)
                .bind(i)
                .bind(handle)
                .bind(at(i as u32, 0))
                .execute(pool)
                .await?;
        }
        let sql = insert("blog_post", Post::META.columns);
        for post in 1..=POSTS {
            // Every fifth post is a draft.
            let published = (post % 5 != 0).then(|| at(10 + post as u32 * 3, post as u32 * 7));
            sqlx::query(&sql)
                .bind(post)
                .bind(1 + post % 4)
                .bind(public_id(post))
                .bind(format!("Post {post}: {}", TAGS[post as usize % 4]))
                .bind(published)
                .execute(pool)
                .await?;
        }
        let sql = insert("blog_comment", Comment::META.columns);
        for comment in 1..=60i64 {
            // Every seventh comment's author is gone.
            let author = (comment % 7 != 0).then_some(1 + comment % 5);
            sqlx::query(&sql)
                .bind(comment)
                .bind(1 + comment * 5 % POSTS)
                .bind(author)
                .bind(format!("comment {comment}"))
                .bind(at(100, comment as u32 * 13))
                .execute(pool)
                .await?;
        }
        let sql = insert("blog_tag", Tag::META.columns);
        for (i, name) in (1..).zip(TAGS) {
            sqlx::query(&sql).bind(i).bind(name).execute(pool).await?;
        }
        let sql = insert("blog_post_tag", PostTag::META.columns);
        for post in 1..=POSTS {
            for tag in (1..=4i64).filter(|tag| post % (tag + 1) != 0) {
                sqlx::query(&sql).bind(post).bind(tag).execute(pool).await?;
            }
        }
    }};
}

/// The page's queries, printed as a handler would render them.
macro_rules! page {
    ($pool:expr, $db:ty) => {{
        let pool = $pool;

        println!("authors, with their latest post (the commonest ORM annotation)");
        let authors = query!(
            from User
            select id, handle, count(posts) as posts, max(posts.published_at) as latest,
                   count(comments) as comments
            order by latest desc, id
        )
        .fetch_all(pool)
        .await?;
        for a in &authors {
            let latest = a.latest.map_or("never".to_owned(), |t| t.to_string());
            println!("  {:<8} {:>2} posts, {:>2} comments, latest {latest}", a.handle, a.posts, a.comments);
        }

        // The search form: every field optional, the authors a list.
        let search = |title: Option<&'static str>, since: Option<NaiveDateTime>, authors: Option<Vec<i64>>| {
            query!(
                from Post
                select id, title, author.handle as author, published_at,
                       count(comments) as comments, count(tags) as tags
                where published_at is not null
                      and title like {?title} and published_at >= {?since}
                      and author_id in {?authors}
                order by published_at desc, id
                limit {5_u32}
            )
        };
        for (label, q) in [
            ("the latest posts", search(None, None, None)),
            ("about sql, since March, by grace or barbara", search(Some("%sql%"), Some(at(60, 0)), Some(vec![2, 4]))),
        ] {
            println!("\n{label}\n  {}", q.sql::<$db>());
            for p in q.fetch_all(pool).await? {
                println!("  #{:<3} {:<24} by {:<8} {:>2} comments, {} tags", p.id, p.title, p.author, p.comments, p.tags);
            }
        }

        println!("\ntag cloud (many-to-many through post tags)");
        let tags = query!(from Tag select name, count(posts) as uses order by uses desc, name)
            .fetch_all(pool)
            .await?;
        for t in &tags {
            println!("  {:<12} {}", t.name, t.uses);
        }

        let stats = query!(
            from Comment select count(*) as n, min(created) as first, max(created) as last
            where author_id is not null
        )
        .fetch_one(pool)
        .await?;
        println!("\n{} comments by current accounts, from {:?} to {:?}", stats.n, stats.first, stats.last);

        let wanted = public_id(7);
        let post = query!(from Post select title, author.handle as author where public_id = {wanted})
            .fetch_one(pool)
            .await?;
        println!("post {wanted}: {:?} by {}", post.title, post.author);
    }};
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url =
        cli::database_url("usage: blog [--database-url sqlite:...|postgres://...|mysql://...]")?;
    if url.starts_with("postgres") {
        let admin = PgPool::connect(&url).await?;
        sqlx::raw_sql("CREATE SCHEMA IF NOT EXISTS fanless_blog")
            .execute(&admin)
            .await?;
        let options: sqlx::postgres::PgConnectOptions = url.parse()?;
        let pool = PgPool::connect_with(options.options([("search_path", "fanless_blog")])).await?;
        seed!(&pool, sqlx::Postgres, |i| format!("${i}"));
        page!(&pool, sqlx::Postgres);
    } else if url.starts_with("mysql") {
        let pool = MySqlPool::connect(&url).await?;
        seed!(&pool, sqlx::MySql, |_| "?".to_owned());
        page!(&pool, sqlx::MySql);
    } else {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await?;
        seed!(&pool, sqlx::Sqlite, |_| "?".to_owned());
        page!(&pool, sqlx::Sqlite);
    }
    Ok(())
}
