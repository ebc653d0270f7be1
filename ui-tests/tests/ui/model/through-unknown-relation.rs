// a `through` path starts at a relation of this model.
#[derive(fanless::Model)]
#[model(has_many(departments = Department))]
#[model(has_many(employees = Employee, through = departmens))]
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

fn main() {}
