// a `has_many` through to-one relations only leads to one row at most.
#[derive(fanless::Model)]
struct Region {
    #[model(primary_key)]
    id: i64,
}

#[derive(fanless::Model)]
struct Publisher {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Region))]
    region_id: i64,
}

#[derive(fanless::Model)]
#[model(has_many(region = Region, through = publisher))]
struct Book {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Publisher))]
    publisher_id: i64,
}

fn main() {}
