// `belongs_to` has one target model.
#[derive(fanless::Model)]
struct Product {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Store, Mall))]
    store_id: i64,
}

fn main() {}
