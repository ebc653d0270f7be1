// composite primary keys are not supported.
#[derive(fanless::Model)]
struct Membership {
    #[model(primary_key)]
    store_id: i64,
    #[model(primary_key)]
    employee_id: i64,
}

fn main() {}
