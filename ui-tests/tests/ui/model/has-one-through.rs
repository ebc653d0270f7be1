// a relation through other relations is a `has_many`.
#[derive(fanless::Model)]
#[model(has_one(badge = Badge, through = staff))]
struct Store {
    #[model(primary_key)]
    id: i64,
}

fn main() {}
