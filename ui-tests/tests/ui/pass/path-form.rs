// The path form compiles: aggregates of every kind over to-many paths of any
// length, filtered aggregates, to-one paths, parameters of every accepted type.
use fanless::{query, query_as};
use fanless_ui_tests::*;

#[allow(dead_code)]
struct Summary {
    id: i64,
    employees: i64,
    average: Option<f64>,
}

fn main() {
    let min_price = 10.0;
    let excluded = String::from("closed");
    let stores = query!(
        from Store
        select id, name,
               count(departments.employees) as total_employees,
               count(products) as total_products,
               count(products where price > {min_price}) as expensive,
               count(distinct departments.employees.salary) as salaries,
               avg(products.price) as avg_price,
               sum(departments.employees.salary) as payroll,
               min(products.name) as first_product,
               max(departments.employees.salary) as top_salary,
               exists(products where discontinued) as has_discontinued
        where name != {&excluded} and not exists(departments where name like "x%")
        order by total_products desc, id
        limit 20 offset {5_i64}
    );
    let employees = query!(
        from Employee
        select id, department.store.name as store, manager.name as manager,
               sum(department.store.products.price) as store_value,
               count(reports) as reports
        where manager_id is null or manager.salary > {50_000_i64} or id in (1, 2, {3_i64})
        order by manager.name, reports desc
    );
    let all = query!(from Product where store.name = {"main"} and discontinued);
    let summaries = query_as!(
        Summary,
        from Store select id, count(departments.employees) as employees, avg(products.price) as average
    );
    // The row fields have the types DESIGN.md promises.
    if let Some(s) = row_of(&stores) {
        let _: (i64, String, i64, i64, i64, i64) =
            (s.id, s.name, s.total_employees, s.total_products, s.expensive, s.salaries);
        let _: (Option<f64>, i64, Option<String>, Option<i64>, bool) =
            (s.avg_price, s.payroll, s.first_product, s.top_salary, s.has_discontinued);
    }
    if let Some(e) = row_of(&employees) {
        let _: (i64, String, Option<String>, f64, i64) =
            (e.id, e.store, e.manager, e.store_value, e.reports);
    }
    let _: Option<Product> = row_of(&all);
    let _: Option<Summary> = row_of(&summaries);

    // Conditions over one to-one path, or over to-many paths that part
    // after a to-one hop, or inside one `exists`, are not ambiguous.
    let _ = query!(from Employee where department.name = "a" and department.id > 2);
    let _ = query!(from Store where exists(products where discontinued and price < 1.0));
    let _ = query!(from Store where products.price > 1.0 or products.discontinued);
}

/// The row type of a query, for type checks only.
fn row_of<Raw, O, A, P>(_: &fanless::Query<Raw, O, A, P>) -> Option<O> {
    None
}
