//! The models the trybuild cases in `tests/ui/` query: the seed scenario of
//! DESIGN.md. The cases need no database.

use fanless::Model;

/// A store.
#[derive(Model, Debug)]
#[model(table = "shop_store")]
#[model(has_many(departments = Department))]
#[model(has_many(products = Product))]
#[model(has_many(orders = Order))]
pub struct Store {
    /// Key.
    #[model(primary_key)]
    pub id: i64,
    /// Name.
    pub name: String,
}

/// A department of a store.
#[derive(Model, Debug)]
#[model(table = "shop_department")]
#[model(has_many(employees = Employee))]
pub struct Department {
    /// Key.
    #[model(primary_key)]
    pub id: i64,
    /// The store.
    #[model(belongs_to(Store))]
    pub store_id: i64,
    /// Name.
    pub name: String,
}

/// An employee of a department.
#[derive(Model, Debug)]
#[model(table = "shop_employee")]
#[model(has_many(reports = Employee, via = manager))]
pub struct Employee {
    /// Key.
    #[model(primary_key)]
    pub id: i64,
    /// The department.
    #[model(belongs_to(Department))]
    pub department_id: i64,
    /// The manager, if any.
    #[model(belongs_to(manager = Employee))]
    pub manager_id: Option<i64>,
    /// Name.
    pub name: String,
    /// Salary.
    pub salary: i64,
}

/// A product of a store.
#[derive(Model, Debug)]
#[model(table = "shop_product")]
pub struct Product {
    /// Key.
    #[model(primary_key)]
    pub id: i64,
    /// The store.
    #[model(belongs_to(Store))]
    pub store_id: i64,
    /// Name.
    pub name: String,
    /// Price.
    pub price: f64,
    /// Whether it is no longer sold.
    pub discontinued: bool,
}

/// An order placed at a store.
#[derive(Model, Debug)]
#[model(table = "shop_order")]
pub struct Order {
    /// Key.
    #[model(primary_key)]
    pub id: i64,
    /// The store.
    #[model(belongs_to(Store))]
    pub store_id: i64,
    /// Total.
    pub total: f64,
}
