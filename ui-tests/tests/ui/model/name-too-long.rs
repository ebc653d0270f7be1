// names fit PostgreSQL's 63-byte limit.
#[derive(fanless::Model)]
struct Store {
    #[model(primary_key)]
    id: i64,
    #[model(column = "a_column_name_that_goes_on_and_on_well_past_what_postgres_accepts")]
    name: String,
}

fn main() {}
