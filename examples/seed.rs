//! The seed scenario shared by the examples: the models, their tables (with
//! or without foreign-key indexes), and rows in any quantity.

use fanless::Model;

// The examples read the models' columns through `query!` only.
#[allow(dead_code)]
#[derive(Model, Debug)]
#[model(table = "shop_store")]
#[model(has_many(departments = Department))]
#[model(has_many(products = Product))]
pub struct Store {
    #[model(primary_key)]
    pub id: i64,
    pub name: String,
}

// The examples read the models' columns through `query!` only.
#[allow(dead_code)]
#[derive(Model, Debug)]
#[model(table = "shop_department")]
#[model(has_many(employees = Employee))]
pub struct Department {
    #[model(primary_key)]
    pub id: i64,
    #[model(belongs_to(Store))]
    pub store_id: i64,
    pub name: String,
}

// The examples read the models' columns through `query!` only.
#[allow(dead_code)]
#[derive(Model, Debug)]
#[model(table = "shop_employee")]
pub struct Employee {
    #[model(primary_key)]
    pub id: i64,
    #[model(belongs_to(Department))]
    pub department_id: i64,
    pub name: String,
    pub salary: i64,
}

// The examples read the models' columns through `query!` only.
#[allow(dead_code)]
#[derive(Model, Debug)]
#[model(table = "shop_product")]
pub struct Product {
    #[model(primary_key)]
    pub id: i64,
    #[model(belongs_to(Store))]
    pub store_id: i64,
    pub name: String,
    pub price: f64,
    pub discontinued: bool,
}

/// How many rows of each table.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub stores: i64,
    pub departments_per_store: i64,
    pub employees_per_department: i64,
    pub products_per_store: i64,
}

impl Shape {
    /// DESIGN.md's scenario: 25,000,000 rows for the naive join to build.
    pub const SEED: Self = Self {
        stores: 2,
        departments_per_store: 10,
        employees_per_department: 500,
        products_per_store: 2_500,
    };

    pub fn departments(self) -> i64 {
        self.stores * self.departments_per_store
    }

    pub fn employees(self) -> i64 {
        self.departments() * self.employees_per_department
    }

    pub fn products(self) -> i64 {
        self.stores * self.products_per_store
    }
}

/// Rows per `INSERT`, under every database's limit on parameters.
pub const BATCH: usize = 1_000;

/// The values of one row of a multi-row `INSERT`.
pub type Row<'qb, 'args, DB> = sqlx::query_builder::Separated<'qb, 'args, DB, &'static str>;

/// One multi-row `INSERT` per `BATCH` ids, each row's values pushed by
/// `$row` (a closure over the row's separator and its id).
macro_rules! insert {
    ($pool:expr, $db:ty, $table:literal, $count:expr, $row:expr) => {{
        let ids: Vec<i64> = (1..=$count).collect();
        for chunk in ids.chunks($crate::seed::BATCH) {
            let mut builder =
                ::sqlx::QueryBuilder::<$db>::new(concat!("INSERT INTO ", $table, " "));
            builder.push_values(chunk, |row, id| $row(row, *id));
            builder.build().execute($pool).await?;
        }
    }};
}

/// Drops and creates the four tables on `$pool` (of database `$db`), with
/// an index on each foreign key when `$indexed`, and fills them as `$shape`
/// says; then gathers planner statistics with `$analyze`, as a database in
/// use has them.
macro_rules! seed {
    ($pool:expr, $db:ty, $shape:expr, $indexed:expr, $analyze:expr) => {{
        use ::fanless::Model as _;
        use $crate::seed::{Department, Employee, Product, Row, Store};
        let (pool, shape, indexed): (_, $crate::seed::Shape, bool) = ($pool, $shape, $indexed);
        for table in [
            "shop_employee",
            "shop_department",
            "shop_product",
            "shop_store",
        ] {
            sqlx::raw_sql(&format!("DROP TABLE IF EXISTS {table}"))
                .execute(pool)
                .await?;
        }
        for tables in [
            Store::create_table::<$db>(),
            Department::create_table::<$db>(),
            Employee::create_table::<$db>(),
            Product::create_table::<$db>(),
        ] {
            // Without indexes, the tables also go without their foreign key
            // constraints: MySQL indexes every constrained column.
            let statements = if indexed {
                tables
            } else {
                let table = &tables[0];
                match table.split_once(", FOREIGN KEY") {
                    Some((columns, _)) => vec![format!("{columns})")],
                    None => vec![table.clone()],
                }
            };
            for sql in statements {
                sqlx::raw_sql(&sql).execute(pool).await?;
            }
        }
        $crate::seed::insert!(
            pool,
            $db,
            "shop_store (id, name)",
            shape.stores,
            |mut row: Row<'_, '_, $db>, id| {
                row.push_bind(id).push_bind(format!("store {id}"));
            }
        );
        $crate::seed::insert!(
            pool,
            $db,
            "shop_department (id, store_id, name)",
            shape.departments(),
            |mut row: Row<'_, '_, $db>, id| {
                row.push_bind(id)
                    .push_bind((id - 1) / shape.departments_per_store + 1)
                    .push_bind(format!("department {id}"));
            }
        );
        $crate::seed::insert!(
            pool,
            $db,
            "shop_employee (id, department_id, name, salary)",
            shape.employees(),
            |mut row: Row<'_, '_, $db>, id| {
                row.push_bind(id)
                    .push_bind((id - 1) / shape.employees_per_department + 1)
                    .push_bind(format!("employee {id}"))
                    .push_bind(30_000 + id % 50 * 1_000);
            }
        );
        $crate::seed::insert!(
            pool,
            $db,
            "shop_product (id, store_id, name, price, discontinued)",
            shape.products(),
            |mut row: Row<'_, '_, $db>, id| {
                row.push_bind(id)
                    .push_bind((id - 1) / shape.products_per_store + 1)
                    .push_bind(format!("product {id}"))
                    .push_bind((id % 400) as f64 * 0.25)
                    .push_bind(id % 7 == 0);
            }
        );
        sqlx::raw_sql($analyze).execute(pool).await?;
    }};
}

pub(crate) use {insert, seed};

/// The statement that gathers planner statistics on the four tables.
pub fn analyze(url: &str) -> &'static str {
    if url.starts_with("postgres") {
        "VACUUM ANALYZE"
    } else if url.starts_with("mysql") || url.starts_with("mariadb") {
        "ANALYZE TABLE shop_store, shop_department, shop_employee, shop_product"
    } else {
        "ANALYZE"
    }
}

/// The same tables, declared without foreign-key indexes: how a user tells
/// fanless's planner that the tables it queries have none.
#[allow(dead_code)]
pub mod unindexed {
    use fanless::Model;

    #[derive(Model, Debug)]
    #[model(table = "shop_store")]
    #[model(has_many(departments = Department))]
    #[model(has_many(products = Product))]
    pub struct Store {
        #[model(primary_key)]
        pub id: i64,
        pub name: String,
    }

    #[derive(Model, Debug)]
    #[model(table = "shop_department")]
    #[model(has_many(employees = Employee))]
    pub struct Department {
        #[model(primary_key)]
        pub id: i64,
        #[model(belongs_to(Store, indexed = false))]
        pub store_id: i64,
        pub name: String,
    }

    #[derive(Model, Debug)]
    #[model(table = "shop_employee")]
    pub struct Employee {
        #[model(primary_key)]
        pub id: i64,
        #[model(belongs_to(Department, indexed = false))]
        pub department_id: i64,
        pub name: String,
        pub salary: i64,
    }

    #[derive(Model, Debug)]
    #[model(table = "shop_product")]
    pub struct Product {
        #[model(primary_key)]
        pub id: i64,
        #[model(belongs_to(Store, indexed = false))]
        pub store_id: i64,
        pub name: String,
        pub price: f64,
        pub discontinued: bool,
    }
}
