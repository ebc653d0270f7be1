//! A schema in the shape frameworks make, by hand-written DDL on every
//! database: Django's many-to-many join table (a key of its own and a
//! unique pair), a self-reference, a nullable foreign key, a composite
//! key of a Rails-style table, `smallint` and `integer` columns. The models
//! verify clean, and aggregates over every kind of path agree with the
//! reference evaluator in every strategy.

use fanless::{query, verify, Model};
use fanless_tests::library::Kind;
use fanless_tests::reference::{Dataset, Value};
use fanless_tests::{agrees_with_reference, connect, drop_databases, execute, name, Db};

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "blog_author")]
#[model(has_many(posts = Post), has_many(mentees = Author, via = mentor))]
struct Author {
    #[model(primary_key)]
    id: i32,
    #[model(belongs_to(mentor = Author))]
    mentor_id: Option<i32>,
    name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "blog_post")]
#[model(many_to_many(tags = Tag, through = PostTag), has_many(ratings = Rating))]
struct Post {
    #[model(primary_key)]
    id: i32,
    #[model(belongs_to(Author))]
    author_id: i32,
    title: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "blog_tag")]
#[model(many_to_many(posts = Post, through = PostTag))]
struct Tag {
    #[model(primary_key)]
    id: i32,
    name: String,
}

/// Django's join table: a key of its own, then the pair.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "blog_post_tags")]
struct PostTag {
    #[model(primary_key)]
    id: i32,
    #[model(belongs_to(Post))]
    post_id: i32,
    #[model(belongs_to(Tag))]
    tag_id: i32,
}

/// A Rails-style table keyed by a pair of columns.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "blog_rating")]
struct Rating {
    #[model(primary_key, belongs_to(Post))]
    post_id: i32,
    #[model(primary_key)]
    reader: String,
    stars: i16,
}

fn ddl(db: &Db) -> Vec<&'static str> {
    match db {
        Db::Postgres(..) => vec![
            r#"CREATE TABLE "blog_author" ("id" serial NOT NULL PRIMARY KEY, "name" varchar(50) NOT NULL, "mentor_id" integer NULL REFERENCES "blog_author" ("id") DEFERRABLE INITIALLY DEFERRED)"#,
            r#"CREATE INDEX "blog_author_mentor_id_0a1b2c3d" ON "blog_author" ("mentor_id")"#,
            r#"CREATE TABLE "blog_post" ("id" serial NOT NULL PRIMARY KEY, "title" varchar(200) NOT NULL, "author_id" integer NOT NULL REFERENCES "blog_author" ("id") DEFERRABLE INITIALLY DEFERRED)"#,
            r#"CREATE INDEX "blog_post_author_id_1b2c3d4e" ON "blog_post" ("author_id")"#,
            r#"CREATE TABLE "blog_tag" ("id" serial NOT NULL PRIMARY KEY, "name" varchar(50) NOT NULL UNIQUE)"#,
            r#"CREATE TABLE "blog_post_tags" ("id" serial NOT NULL PRIMARY KEY, "post_id" integer NOT NULL REFERENCES "blog_post" ("id") DEFERRABLE INITIALLY DEFERRED, "tag_id" integer NOT NULL REFERENCES "blog_tag" ("id") DEFERRABLE INITIALLY DEFERRED, CONSTRAINT "blog_post_tags_post_id_tag_id_uniq" UNIQUE ("post_id", "tag_id"))"#,
            r#"CREATE INDEX "blog_post_tags_post_id_2c3d4e5f" ON "blog_post_tags" ("post_id")"#,
            r#"CREATE INDEX "blog_post_tags_tag_id_3d4e5f6a" ON "blog_post_tags" ("tag_id")"#,
            r#"CREATE TABLE "blog_rating" ("post_id" integer NOT NULL REFERENCES "blog_post" ("id"), "reader" varchar(50) NOT NULL, "stars" smallint NOT NULL, PRIMARY KEY ("post_id", "reader"))"#,
        ],
        Db::Sqlite(_) => vec![
            r#"CREATE TABLE "blog_author" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(50) NOT NULL, "mentor_id" bigint NULL REFERENCES "blog_author" ("id") DEFERRABLE INITIALLY DEFERRED)"#,
            r#"CREATE INDEX "blog_author_mentor_id_0a1b2c3d" ON "blog_author" ("mentor_id")"#,
            r#"CREATE TABLE "blog_post" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(200) NOT NULL, "author_id" bigint NOT NULL REFERENCES "blog_author" ("id") DEFERRABLE INITIALLY DEFERRED)"#,
            r#"CREATE INDEX "blog_post_author_id_1b2c3d4e" ON "blog_post" ("author_id")"#,
            r#"CREATE TABLE "blog_tag" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(50) NOT NULL UNIQUE)"#,
            r#"CREATE TABLE "blog_post_tags" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "post_id" bigint NOT NULL REFERENCES "blog_post" ("id") DEFERRABLE INITIALLY DEFERRED, "tag_id" bigint NOT NULL REFERENCES "blog_tag" ("id") DEFERRABLE INITIALLY DEFERRED)"#,
            r#"CREATE UNIQUE INDEX "blog_post_tags_post_id_tag_id_uniq" ON "blog_post_tags" ("post_id", "tag_id")"#,
            r#"CREATE INDEX "blog_post_tags_tag_id_3d4e5f6a" ON "blog_post_tags" ("tag_id")"#,
            r#"CREATE TABLE "blog_rating" ("post_id" integer NOT NULL REFERENCES "blog_post" ("id"), "reader" varchar(50) NOT NULL, "stars" smallint NOT NULL, PRIMARY KEY ("post_id", "reader"))"#,
        ],
        Db::MySql(..) => vec![
            "CREATE TABLE `blog_author` (`id` integer AUTO_INCREMENT NOT NULL PRIMARY KEY, `name` varchar(50) NOT NULL, `mentor_id` integer NULL)",
            "ALTER TABLE `blog_author` ADD CONSTRAINT `blog_author_mentor_id_fk` FOREIGN KEY (`mentor_id`) REFERENCES `blog_author` (`id`)",
            "CREATE TABLE `blog_post` (`id` integer AUTO_INCREMENT NOT NULL PRIMARY KEY, `title` varchar(200) NOT NULL, `author_id` integer NOT NULL)",
            "ALTER TABLE `blog_post` ADD CONSTRAINT `blog_post_author_id_fk` FOREIGN KEY (`author_id`) REFERENCES `blog_author` (`id`)",
            "CREATE TABLE `blog_tag` (`id` integer AUTO_INCREMENT NOT NULL PRIMARY KEY, `name` varchar(50) NOT NULL UNIQUE)",
            "CREATE TABLE `blog_post_tags` (`id` integer AUTO_INCREMENT NOT NULL PRIMARY KEY, `post_id` integer NOT NULL, `tag_id` integer NOT NULL, CONSTRAINT `blog_post_tags_post_id_tag_id_uniq` UNIQUE (`post_id`, `tag_id`))",
            "ALTER TABLE `blog_post_tags` ADD CONSTRAINT `blog_post_tags_tag_id_fk` FOREIGN KEY (`tag_id`) REFERENCES `blog_tag` (`id`)",
            "CREATE TABLE `blog_rating` (`post_id` integer NOT NULL, `reader` varchar(50) NOT NULL, `stars` smallint NOT NULL, PRIMARY KEY (`post_id`, `reader`))",
        ],
    }
}

/// `(id, mentor, name)`: a chain of mentors, one author with none.
const AUTHORS: [(i32, Option<i32>, &str); 4] = [
    (1, None, "Ada"),
    (2, Some(1), "Grace"),
    (3, Some(1), "Barbara"),
    (4, Some(2), "Frances"),
];
/// `(id, author, title)`; author 4 has none.
const POSTS: [(i32, i32, &str); 5] = [
    (1, 1, "Engines"),
    (2, 1, "Notes"),
    (3, 2, "Compilers"),
    (4, 3, "Abstraction"),
    (5, 3, "Liskov"),
];
const TAGS: [(i32, &str); 3] = [(1, "history"), (2, "languages"), (3, "unused")];
/// `(id, post, tag)`.
const POST_TAGS: [(i32, i32, i32); 5] = [(1, 1, 1), (2, 2, 1), (3, 2, 2), (4, 3, 2), (5, 5, 2)];
/// `(post, reader, stars)`.
const RATINGS: [(i32, &str, i16); 5] = [
    (1, "a", 5),
    (1, "b", 3),
    (2, "a", 4),
    (4, "c", -2),
    (5, "a", 32_000),
];

async fn load(test: &str) -> Vec<Db> {
    let dbs = connect(test).await;
    for db in &dbs {
        for statement in ddl(db) {
            execute(db, statement).await;
        }
        let value = |v: Option<i32>| v.map_or("NULL".to_owned(), |v| v.to_string());
        for (id, mentor, name) in AUTHORS {
            let sql = format!(
                "INSERT INTO blog_author (id, mentor_id, name) VALUES ({id}, {}, '{name}')",
                value(mentor)
            );
            execute(db, &sql).await;
        }
        for (id, author, title) in POSTS {
            let sql = format!(
                "INSERT INTO blog_post (id, author_id, title) VALUES ({id}, {author}, '{title}')"
            );
            execute(db, &sql).await;
        }
        for (id, name) in TAGS {
            execute(
                db,
                &format!("INSERT INTO blog_tag (id, name) VALUES ({id}, '{name}')"),
            )
            .await;
        }
        for (id, post, tag) in POST_TAGS {
            let sql = format!(
                "INSERT INTO blog_post_tags (id, post_id, tag_id) VALUES ({id}, {post}, {tag})"
            );
            execute(db, &sql).await;
        }
        for (post, reader, stars) in RATINGS {
            let sql = format!("INSERT INTO blog_rating (post_id, reader, stars) VALUES ({post}, '{reader}', {stars})");
            execute(db, &sql).await;
        }
    }
    dbs
}

fn dataset() -> Dataset {
    let int = |v: i32| Value::Int(i64::from(v));
    let text = |v: &str| Value::Text(v.to_owned());
    let mut tables = std::collections::BTreeMap::new();
    tables.insert(
        "blog_author",
        AUTHORS
            .iter()
            .map(|&(id, mentor, name)| vec![int(id), mentor.map_or(Value::Null, int), text(name)])
            .collect(),
    );
    tables.insert(
        "blog_post",
        POSTS
            .iter()
            .map(|&(id, author, title)| vec![int(id), int(author), text(title)])
            .collect(),
    );
    tables.insert(
        "blog_tag",
        TAGS.iter()
            .map(|&(id, name)| vec![int(id), text(name)])
            .collect(),
    );
    tables.insert(
        "blog_post_tags",
        POST_TAGS
            .iter()
            .map(|&(id, post, tag)| vec![int(id), int(post), int(tag)])
            .collect(),
    );
    tables.insert(
        "blog_rating",
        RATINGS
            .iter()
            .map(|&(post, reader, stars)| {
                vec![int(post), text(reader), Value::Int(i64::from(stars))]
            })
            .collect(),
    );
    Dataset { tables }
}

#[tokio::test]
async fn a_framework_schema_verifies_and_agrees_with_the_reference() {
    let dbs = load("framework").await;
    let data = dataset();
    let authors = query!(
        from Author
        select id, mentor.name as mentor, count(mentees) as mentees,
               count(posts.tags) as tagged, count(distinct posts.tags) as tags,
               sum(posts.ratings.stars) as stars, max(posts.ratings.stars) as best,
               exists(mentees.posts) as mentees_write
        order by id
    )
    .plan();
    let tags = query!(
        from Tag
        select id, count(posts) as posts, count(distinct posts.author) as authors,
               min(posts.ratings.reader) as first_reader
        where not exists(posts where title = {"Liskov"})
        order by id
    )
    .plan();
    let ratings = query!(
        from Rating
        select post_id, reader, stars, post.author.mentor.name as mentor
        where stars > {0_i16} or post.author.mentor_id is null
        order by post_id, reader
    )
    .plan();
    use Kind::{Bool, Int, Text};
    let cases = [
        (
            &authors,
            vec![],
            vec![Int, Text, Int, Int, Int, Int, Int, Bool],
        ),
        (
            &tags,
            vec![(Text, Value::Text("Liskov".into()))],
            vec![Int, Int, Int, Text],
        ),
        (
            &ratings,
            vec![(Int, Value::Int(0))],
            vec![Int, Text, Int, Text],
        ),
    ];
    for db in &dbs {
        let what = name(db);
        let found = match db {
            Db::Sqlite(pool) => verify!(pool, Author, Post, Tag, PostTag, Rating),
            Db::Postgres(pool, _) => verify!(pool, Author, Post, Tag, PostTag, Rating),
            Db::MySql(pool, _) => verify!(pool, Author, Post, Tag, PostTag, Rating),
        }
        .unwrap_or_else(|e| panic!("{what}: {e}"));
        let messages: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert_eq!(messages, Vec::<String>::new(), "{what}");
        for (plan, params, kinds) in &cases {
            agrees_with_reference(db, plan, params, kinds, &data).await;
        }
    }
    drop_databases(dbs).await;
}
