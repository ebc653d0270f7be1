// without `via`, a `has_many` goes through the relation named after its
// model in snake_case; `Self_` gives `self_`, which is fine, but `Crate`
// gives `crate`, which no identifier spells: `via` must name it.
#[derive(fanless::Model)]
#[model(has_many(items = Item))]
struct Crate {
    #[model(primary_key)]
    id: i64,
}

#[derive(fanless::Model)]
struct Item {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(owner = Crate))]
    crate_id: i64,
}

fn main() {}
