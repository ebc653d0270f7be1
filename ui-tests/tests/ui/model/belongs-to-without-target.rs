// `belongs_to` names its target model.
#[derive(fanless::Model)]
struct Product {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to())]
    store_id: i64,
}

fn main() {}
