// a `through` path cannot start at the relation it declares.
#[derive(fanless::Model)]
#[model(has_many(employees = Employee, through = employees))]
struct Store {
    #[model(primary_key)]
    id: i64,
}

#[derive(fanless::Model)]
struct Employee {
    #[model(primary_key)]
    id: i64,
}

fn main() {}
