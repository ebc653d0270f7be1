// without `to`, a `many_to_many` goes through the join model's relation
// named after the target in snake_case; `Crate` gives `crate`, which no
// identifier spells: `to` must name it.
#[derive(fanless::Model)]
#[model(many_to_many(crates = Crate, through = Packing))]
struct Truck {
    #[model(primary_key)]
    id: i64,
}

#[derive(fanless::Model)]
struct Crate {
    #[model(primary_key)]
    id: i64,
}

#[derive(fanless::Model)]
struct Packing {
    #[model(primary_key, belongs_to(Truck))]
    truck_id: i64,
    #[model(primary_key, belongs_to(load = Crate))]
    load_id: i64,
}

fn main() {}
