// `sql_type` is written into `CREATE TABLE` as it is: a type name and its
// parameters, nothing that could end the column's definition.
#[derive(fanless::Model)]
struct Invoice {
    #[model(primary_key)]
    id: i64,
    #[model(sql_type = "TEXT); DROP TABLE invoice; --")]
    note: String,
}

fn main() {}
