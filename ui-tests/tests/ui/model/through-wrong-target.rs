// a `through` path leads to the model the relation names.
#[derive(fanless::Model)]
#[model(has_many(departments = Department))]
#[model(has_many(employees = Product, through = departments))]
struct Store {
    #[model(primary_key)]
    id: i64,
}

#[derive(fanless::Model)]
#[model(has_many(employees = Employee))]
struct Department {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Store))]
    store_id: i64,
}

#[derive(fanless::Model)]
struct Employee {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Department))]
    department_id: i64,
}

#[derive(fanless::Model)]
struct Product {
    #[model(primary_key)]
    id: i64,
}

fn main() {}
