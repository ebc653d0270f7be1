// Names that are Rust keywords: a relation named after a `type_id` field
// is `r#type`, a raw-identifier model has inverses, and both are queried.
use fanless::{query, Model};

#[derive(Model)]
#[model(has_many(things = Thing))]
struct r#Kind {
    #[model(primary_key)]
    id: i64,
    name: String,
}

#[derive(Model)]
#[model(has_many(matches = Thing, via = r#match))]
struct Game {
    #[model(primary_key)]
    id: i64,
}

#[derive(Model)]
struct Thing {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(r#Kind))]
    type_id: i64,
    #[model(belongs_to(Game))]
    match_id: Option<i64>,
    #[model(belongs_to(r#Kind))]
    kind_id: i64,
}

fn main() {
    let _ = query!(from Thing select id, r#match.id as game where r#type.name = kind.name);
    let _ = query!(from Kind select id, count(things) as n);
    let _ = query!(from Game select count(matches) as n);
}
