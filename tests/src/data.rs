//! The rows every scenario inserts, generated from a seed, with the edge
//! cases the queries must get right: a store with no departments, products or
//! orders; a department with no employees; employees without a manager or a
//! badge; orders without a store; names with quotes.

use crate::{Badge, Db, Department, Employee, Order, Product, Store};

/// Every row of the test models.
#[derive(Debug, Clone, Default)]
pub struct Data {
    /// `shop_store`.
    pub stores: Vec<Store>,
    /// `shop_department`.
    pub departments: Vec<Department>,
    /// `shop_employee`.
    pub employees: Vec<Employee>,
    /// `shop_product`.
    pub products: Vec<Product>,
    /// `shop_badge`.
    pub badges: Vec<Badge>,
    /// `order`.
    pub orders: Vec<Order>,
}

/// A small deterministic generator (xorshift), so runs are reproducible.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

const NAMES: [&str; 6] = [
    "Ada",
    "O'Brien",
    "Grace \"Hopper\"",
    "Linus",
    "Barbara",
    "Ken",
];

impl Data {
    /// The data set of the suite.
    pub fn generate() -> Self {
        let mut rng = Rng(0x5eed_f00d);
        let mut data = Self::default();
        for store in 1..=5_i64 {
            data.stores.push(Store {
                id: store,
                name: format!("store {store}{}", if store == 3 { " 'quoted'" } else { "" }),
            });
            // Store 5 has nothing: every aggregate over it is over an empty set.
            if store == 5 {
                continue;
            }
            for _ in 0..rng.below(4) + 1 {
                let department = data.departments.len() as i64 + 1;
                data.departments.push(Department {
                    id: department,
                    store_id: store,
                    name: format!("dept {department}"),
                });
                // The first department of store 2 has no employees.
                let employees = if store == 2
                    && data.departments.iter().filter(|d| d.store_id == 2).count() == 1
                {
                    0
                } else {
                    rng.below(6) + 1
                };
                for _ in 0..employees {
                    let id = data.employees.len() as i64 + 1;
                    let manager_id = match rng.below(3) {
                        0 => None,
                        _ if id > 1 => Some(rng.below(id as u64 - 1) as i64 + 1),
                        _ => None,
                    };
                    data.employees.push(Employee {
                        id,
                        department_id: department,
                        manager_id,
                        name: NAMES[rng.below(NAMES.len() as u64) as usize].to_owned(),
                        salary: 1000 * (rng.below(50) as i64 + 20),
                    });
                    if rng.below(2) == 0 {
                        data.badges.push(Badge {
                            id: data.badges.len() as i64 + 1,
                            employee_id: id,
                            code: format!("B-{id}"),
                        });
                    }
                }
            }
            for _ in 0..rng.below(7) + 1 {
                let id = data.products.len() as i64 + 1;
                data.products.push(Product {
                    id,
                    store_id: store,
                    name: format!("product {id}"),
                    // Quarters add up exactly in binary floating point.
                    price: rng.below(400) as f64 * 0.25,
                    discontinued: id % 3 == 0,
                });
            }
        }
        for id in 1..=8_i64 {
            let store_id = match rng.below(4) {
                0 => None,
                n => Some(n as i64),
            };
            data.orders.push(Order {
                id,
                store_id,
                group_name: ["retail", "bulk", "it's"][rng.below(3) as usize].to_owned(),
                r#select: rng.below(100) as i32 - 20,
            });
        }
        data
    }

    /// Inserts every row into `db`, values as bound parameters.
    pub async fn insert(&self, db: &Db) {
        for s in &self.stores {
            insert(
                db,
                "shop_store",
                &["id", "name"],
                vec![s.id.into(), s.name.clone().into()],
            )
            .await;
        }
        for d in &self.departments {
            let values = vec![d.id.into(), d.store_id.into(), d.name.clone().into()];
            insert(db, "shop_department", &["id", "store_id", "name"], values).await;
        }
        for e in &self.employees {
            let values = vec![
                e.id.into(),
                e.department_id.into(),
                e.manager_id.into(),
                e.name.clone().into(),
                e.salary.into(),
            ];
            let columns = ["id", "department_id", "manager_id", "name", "salary"];
            insert(db, "shop_employee", &columns, values).await;
        }
        for p in &self.products {
            let values = vec![
                p.id.into(),
                p.store_id.into(),
                p.name.clone().into(),
                Value::F64(p.price),
                Value::Bool(p.discontinued),
            ];
            let columns = ["id", "store_id", "name", "price", "discontinued"];
            insert(db, "shop_product", &columns, values).await;
        }
        for b in &self.badges {
            let values = vec![b.id.into(), b.employee_id.into(), b.code.clone().into()];
            insert(db, "shop_badge", &["id", "employee_id", "code"], values).await;
        }
        for o in &self.orders {
            let values = vec![
                o.id.into(),
                o.store_id.into(),
                o.group_name.clone().into(),
                Value::I32(o.r#select),
            ];
            insert(db, "order", &["id", "store_id", "group", "select"], values).await;
        }
    }
}

/// A value to insert.
pub enum Value {
    /// `BIGINT`.
    I64(i64),
    /// Nullable `BIGINT`.
    NullableI64(Option<i64>),
    /// `INTEGER`.
    I32(i32),
    /// `DOUBLE`.
    F64(f64),
    /// `BOOLEAN`.
    Bool(bool),
    /// Text.
    Text(String),
}

impl From<i64> for Value {
    fn from(value: i64) -> Self {
        Self::I64(value)
    }
}

impl From<Option<i64>> for Value {
    fn from(value: Option<i64>) -> Self {
        Self::NullableI64(value)
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}

macro_rules! run_insert {
    ($pool:expr, $sql:expr, $values:expr) => {{
        let mut query = sqlx::query($sql);
        for value in $values {
            query = match value {
                Value::I64(v) => query.bind(v),
                Value::NullableI64(v) => query.bind(v),
                Value::I32(v) => query.bind(v),
                Value::F64(v) => query.bind(v),
                Value::Bool(v) => query.bind(v),
                Value::Text(v) => query.bind(v),
            };
        }
        query.execute($pool).await.map(drop)
    }};
}

/// `INSERT INTO table (columns) VALUES (placeholders)` on `db`.
pub async fn insert(db: &Db, table: &str, columns: &[&str], values: Vec<Value>) {
    let (quote, numbered) = match db {
        Db::Postgres(..) => ('"', true),
        Db::Sqlite(_) => ('"', false),
        Db::MySql(..) => ('`', false),
    };
    let names: Vec<String> = columns
        .iter()
        .map(|c| format!("{quote}{c}{quote}"))
        .collect();
    let placeholders: Vec<String> = (1..=columns.len())
        .map(|n| {
            if numbered {
                format!("${n}")
            } else {
                "?".to_owned()
            }
        })
        .collect();
    let sql = format!(
        "INSERT INTO {quote}{table}{quote} ({}) VALUES ({})",
        names.join(", "),
        placeholders.join(", ")
    );
    let result = match db {
        Db::Sqlite(pool) => run_insert!(pool, &sql, values),
        Db::Postgres(pool, _) => run_insert!(pool, &sql, values),
        Db::MySql(pool, _) => run_insert!(pool, &sql, values),
    };
    result.unwrap_or_else(|e| panic!("{} rejected {sql}: {e}", crate::name(db)));
}

/// Lookups over the rows, as the expected answers need them.
impl Data {
    /// The store with key `id`.
    pub fn store(&self, id: i64) -> &Store {
        self.stores
            .iter()
            .find(|s| s.id == id)
            .expect("a store of the data")
    }

    /// The department with key `id`.
    pub fn department(&self, id: i64) -> &Department {
        self.departments
            .iter()
            .find(|d| d.id == id)
            .expect("a department of the data")
    }

    /// The employee with key `id`.
    pub fn employee(&self, id: i64) -> &Employee {
        self.employees
            .iter()
            .find(|e| e.id == id)
            .expect("an employee of the data")
    }

    /// The key of the store an employee works for.
    pub fn store_of(&self, employee: &Employee) -> i64 {
        self.department(employee.department_id).store_id
    }

    /// The employees of a department.
    pub fn employees_of_department(&self, department: i64) -> Vec<&Employee> {
        self.employees
            .iter()
            .filter(|e| e.department_id == department)
            .collect()
    }

    /// The employees of a store, through its departments.
    pub fn employees_of_store(&self, store: i64) -> Vec<&Employee> {
        self.employees
            .iter()
            .filter(|e| self.store_of(e) == store)
            .collect()
    }
}
