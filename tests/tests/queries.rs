//! Every query shape of the path form, run on each database and compared
//! with the answer computed in Rust from the inserted rows.

use std::collections::HashSet;

use fanless::{query, query_as};
use fanless_tests::{
    avg, close, drop_databases, fetch_all, name, setup, Employee, Order, Product, Store,
};

#[tokio::test]
async fn model_rows_without_select() {
    let (dbs, data) = setup("model_rows").await;
    for db in &dbs {
        let stores = fetch_all!(db, query!(from Store order by id)).unwrap();
        assert_eq!(stores, data.stores, "{}", name(db));

        let unmanaged = fetch_all!(
            db,
            query!(from Employee where manager_id is null order by id)
        )
        .unwrap();
        let expected: Vec<Employee> = data
            .employees
            .iter()
            .filter(|e| e.manager_id.is_none())
            .cloned()
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(unmanaged, expected, "{}", name(db));
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn aggregates_over_to_many_paths() {
    let (dbs, data) = setup("aggregates").await;
    let min_price = 40.0;
    let excluded = "store 1";
    let mut expected: Vec<_> = data
        .stores
        .iter()
        .filter(|s| s.name != excluded)
        .map(|s| {
            let employees = data.employees_of_store(s.id);
            let prices: Vec<f64> = data
                .products
                .iter()
                .filter(|p| p.store_id == s.id)
                .map(|p| p.price)
                .collect();
            let salaries = employees.iter().map(|e| e.salary);
            (
                s.id,
                s.name.clone(),
                employees.len() as i64,
                prices.len() as i64,
                prices.iter().filter(|p| **p > min_price).count() as i64,
                avg(&prices),
                prices.iter().sum::<f64>(),
                data.products
                    .iter()
                    .any(|p| p.store_id == s.id && p.discontinued),
                salaries.clone().min(),
                salaries.max(),
            )
        })
        .collect();
    assert!(expected.iter().any(|row| row.7) && expected.iter().any(|row| !row.7));
    assert!(expected.iter().any(|row| row.4 != row.3 && row.4 > 0));
    expected.sort_by_key(|row| (-row.3, row.0));
    expected.truncate(4);

    for db in &dbs {
        let rows = fetch_all!(
            db,
            query!(
                from Store
                select id, name,
                       count(departments.employees) as total_employees,
                       count(products) as total_products,
                       count(products where price > {min_price}) as expensive,
                       avg(products.price) as avg_price,
                       sum(products.price) as total_price,
                       exists(products where discontinued) as has_discontinued,
                       min(departments.employees.salary) as lowest_salary,
                       max(departments.employees.salary) as highest_salary
                where name != {excluded}
                order by total_products desc, id
                limit 4
            )
        )
        .unwrap();
        assert_eq!(rows.len(), expected.len(), "{}", name(db));
        for (row, want) in rows.iter().zip(&expected) {
            let got = (
                row.id,
                row.name.clone(),
                row.total_employees,
                row.total_products,
                row.expensive,
            );
            assert_eq!(
                got,
                (want.0, want.1.clone(), want.2, want.3, want.4),
                "{}",
                name(db)
            );
            assert!(close(row.avg_price, want.5), "{}: {row:?}", name(db));
            assert!(
                close(Some(row.total_price), Some(want.6)),
                "{}: {row:?}",
                name(db)
            );
            assert_eq!(row.has_discontinued, want.7, "{}", name(db));
            assert_eq!(
                (row.lowest_salary, row.highest_salary),
                (want.8, want.9),
                "{}",
                name(db)
            );
        }
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn empty_relations_give_zero_none_and_false() {
    let (dbs, data) = setup("empty_relations").await;
    let empty = data.stores.iter().find(|s| s.name == "store 5").unwrap().id;
    assert!(data.departments.iter().all(|d| d.store_id != empty));
    for db in &dbs {
        let rows = fetch_all!(
            db,
            query!(
                from Store
                select count(products) as products,
                       sum(products.price) as total,
                       sum(departments.employees.salary) as payroll,
                       avg(products.price) as average,
                       min(products.name) as first,
                       max(departments.employees.salary) as top,
                       exists(departments) as staffed
                where id = {empty}
            )
        )
        .unwrap();
        assert_eq!(rows.len(), 1, "{}", name(db));
        let row = &rows[0];
        assert_eq!(
            (row.products, row.total, row.payroll),
            (0, 0.0, 0),
            "{}",
            name(db)
        );
        assert_eq!(
            (row.average, row.first.clone(), row.top, row.staffed),
            (None, None, None, false),
            "{}",
            name(db)
        );
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn to_one_paths_over_several_hops() {
    let (dbs, data) = setup("to_one_paths").await;
    let expected: Vec<_> = data
        .employees
        .iter()
        .map(|e| {
            let department = data.department(e.department_id);
            let store = data.store(department.store_id);
            let manager = e.manager_id.map(|m| data.employee(m).name.clone());
            let badge = data
                .badges
                .iter()
                .find(|b| b.employee_id == e.id)
                .map(|b| b.code.clone());
            (
                e.id,
                e.name.clone(),
                department.name.clone(),
                store.name.clone(),
                manager,
                badge,
            )
        })
        .collect();
    assert!(
        expected.iter().any(|row| row.4.is_none()) && expected.iter().any(|row| row.5.is_none())
    );
    for db in &dbs {
        let rows = fetch_all!(
            db,
            query!(
                from Employee
                select id, name, department.name as department, department.store.name as store,
                       manager.name as manager, badge.code as badge
                order by id
            )
        )
        .unwrap();
        let got: Vec<_> = rows
            .into_iter()
            .map(|r| (r.id, r.name, r.department, r.store, r.manager, r.badge))
            .collect();
        assert_eq!(got, expected, "{}", name(db));
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn aggregates_after_to_one_hops_and_over_self_relations() {
    let (dbs, data) = setup("to_one_then_many").await;
    let expected: Vec<_> = data
        .employees
        .iter()
        .map(|e| {
            let store = data.store_of(e);
            let reports: Vec<&Employee> = data
                .employees
                .iter()
                .filter(|r| r.manager_id == Some(e.id))
                .collect();
            (
                e.id,
                data.products
                    .iter()
                    .filter(|p| p.store_id == store)
                    .map(|p| p.price)
                    .sum::<f64>(),
                data.employees
                    .iter()
                    .filter(|c| c.department_id == e.department_id)
                    .count() as i64,
                reports.len() as i64,
                reports.iter().map(|r| r.salary).max(),
            )
        })
        .collect();
    assert!(expected.iter().any(|row| row.3 > 0));
    for db in &dbs {
        let rows = fetch_all!(
            db,
            query!(
                from Employee
                select id,
                       sum(department.store.products.price) as store_value,
                       count(department.employees) as colleagues,
                       count(reports) as reports,
                       max(reports.salary) as top_report
                order by id
            )
        )
        .unwrap();
        let got: Vec<_> = rows
            .into_iter()
            .map(|r| (r.id, r.store_value, r.colleagues, r.reports, r.top_report))
            .collect();
        assert_eq!(got, expected, "{}", name(db));
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn distinct_and_column_counts() {
    let (dbs, data) = setup("distinct_counts").await;
    let expected: Vec<_> = data
        .stores
        .iter()
        .map(|s| {
            let employees = data.employees_of_store(s.id);
            let salaries: HashSet<i64> = employees.iter().map(|e| e.salary).collect();
            let managers: HashSet<i64> = employees.iter().filter_map(|e| e.manager_id).collect();
            (
                s.id,
                salaries.len() as i64,
                employees.iter().filter(|e| e.manager_id.is_some()).count() as i64,
                managers.len() as i64,
            )
        })
        .collect();
    for db in &dbs {
        let rows = fetch_all!(
            db,
            query!(
                from Store
                select id,
                       count(distinct departments.employees.salary) as salaries,
                       count(departments.employees.manager_id) as managed,
                       count(distinct departments.employees.manager) as managers
                order by id
            )
        )
        .unwrap();
        let got: Vec<_> = rows
            .into_iter()
            .map(|r| (r.id, r.salaries, r.managed, r.managers))
            .collect();
        assert_eq!(got, expected, "{}", name(db));
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn filtered_aggregates() {
    let (dbs, data) = setup("filtered_aggregates").await;
    let floor = 40_000_i64;
    let pattern = "O'%";
    let skipped = "dept 2";
    let expected: Vec<_> = data
        .stores
        .iter()
        .map(|s| {
            let employees = data.employees_of_store(s.id);
            let kept: Vec<f64> = employees
                .iter()
                .filter(|e| {
                    data.departments
                        .iter()
                        .any(|d| d.id == e.department_id && d.name != skipped)
                })
                .map(|e| e.salary as f64)
                .collect();
            (
                s.id,
                employees
                    .iter()
                    .filter(|e| e.salary >= floor && e.manager_id.is_some())
                    .count() as i64,
                data.products
                    .iter()
                    .filter(|p| p.store_id == s.id && !p.discontinued)
                    .map(|p| p.price)
                    .sum::<f64>(),
                employees.iter().any(|e| e.name.starts_with("O'")),
                avg(&kept),
            )
        })
        .collect();
    for db in &dbs {
        let rows = fetch_all!(
            db,
            query!(
                from Store
                select id,
                       count(departments.employees where salary >= {floor} and manager_id is not null) as senior,
                       sum(products.price where not discontinued) as on_sale,
                       exists(departments where exists(employees where name like {pattern})) as has_obrien,
                       avg(departments.employees.salary where department.name != {skipped}) as kept_average
                order by id
            )
        )
        .unwrap();
        for (row, want) in rows.iter().zip(&expected) {
            assert_eq!(
                (row.id, row.senior, row.on_sale, row.has_obrien),
                (want.0, want.1, want.2, want.3),
                "{}",
                name(db)
            );
            assert!(
                close(row.kept_average, want.4),
                "{}: {row:?} {want:?}",
                name(db)
            );
        }
        assert_eq!(rows.len(), expected.len(), "{}", name(db));
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn root_where_over_to_many_paths_never_repeats_rows() {
    let (dbs, data) = setup("where_to_many").await;
    let price = 60.0;
    let ids = |keep: &dyn Fn(&Store) -> bool| -> Vec<i64> {
        data.stores
            .iter()
            .filter(|s| keep(s))
            .map(|s| s.id)
            .collect()
    };
    let pricey = ids(&|s| {
        data.products
            .iter()
            .any(|p| p.store_id == s.id && p.price > price)
    });
    let with_obrien = ids(&|s| {
        data.employees_of_store(s.id)
            .iter()
            .any(|e| e.name == "O'Brien")
    });
    let without_products = ids(&|s| !data.products.iter().any(|p| p.store_id == s.id));
    let many_products = ids(&|s| data.products.iter().filter(|p| p.store_id == s.id).count() >= 4);
    assert!(!pricey.is_empty() && !with_obrien.is_empty() && !without_products.is_empty());
    for db in &dbs {
        let got = fetch_all!(
            db,
            query!(from Store select id where products.price > {price} order by id)
        )
        .unwrap();
        assert_eq!(
            got.iter().map(|r| r.id).collect::<Vec<_>>(),
            pricey,
            "{}",
            name(db)
        );

        let got = fetch_all!(
            db,
            query!(from Store select id where departments.employees.name = {"O'Brien"} order by id)
        )
        .unwrap();
        assert_eq!(
            got.iter().map(|r| r.id).collect::<Vec<_>>(),
            with_obrien,
            "{}",
            name(db)
        );

        let got = fetch_all!(
            db,
            query!(from Store select id where not exists(products) order by id)
        )
        .unwrap();
        assert_eq!(
            got.iter().map(|r| r.id).collect::<Vec<_>>(),
            without_products,
            "{}",
            name(db)
        );

        let got = fetch_all!(
            db,
            query!(from Store select id where count(products) >= {4_i64} order by id)
        )
        .unwrap();
        assert_eq!(
            got.iter().map(|r| r.id).collect::<Vec<_>>(),
            many_products,
            "{}",
            name(db)
        );
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn order_by_aggregates() {
    let (dbs, data) = setup("order_by_aggregates").await;
    let key = |s: &Store| {
        let products = data.products.iter().filter(|p| p.store_id == s.id).count();
        let top = data.employees_of_store(s.id).iter().map(|e| e.salary).max();
        (products, top, s.id)
    };
    let mut by_products: Vec<_> = data.stores.iter().map(key).collect();
    by_products.sort_by(|a, b| b.0.cmp(&a.0).then(a.2.cmp(&b.2)));
    let by_products: Vec<i64> = by_products.iter().map(|k| k.2).collect();
    // `None` (no employees) last ascending.
    let mut by_top: Vec<_> = data.stores.iter().map(key).collect();
    by_top.sort_by_key(|k| (k.1.is_none(), k.1, k.2));
    let by_top: Vec<i64> = by_top.iter().map(|k| k.2).collect();
    assert!(data.stores.iter().map(key).any(|k| k.1.is_none()));
    for db in &dbs {
        let got = fetch_all!(
            db,
            query!(from Store select id order by count(products) desc, id)
        )
        .unwrap();
        assert_eq!(
            got.iter().map(|r| r.id).collect::<Vec<_>>(),
            by_products,
            "{}",
            name(db)
        );

        let got = fetch_all!(
            db,
            query!(from Store select id order by max(departments.employees.salary), id)
        )
        .unwrap();
        assert_eq!(
            got.iter().map(|r| r.id).collect::<Vec<_>>(),
            by_top,
            "{}",
            name(db)
        );
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn conditions_and_string_parameters_with_quotes() {
    let (dbs, data) = setup("conditions").await;
    let cheap = 20.0;
    let excluded = String::from("product 3");
    let pattern = "store 3%";
    let quoted = "Grace \"Hopper\"";
    let expected_products: Vec<i64> = data
        .products
        .iter()
        .filter(|p| {
            (p.discontinued || p.price < cheap) && p.name != excluded && p.name != "product 4"
        })
        .map(|p| p.id)
        .collect();
    let in_store_3: Vec<i64> = data
        .products
        .iter()
        .filter(|p| {
            data.stores
                .iter()
                .any(|s| s.id == p.store_id && s.name.starts_with("store 3"))
        })
        .map(|p| p.id)
        .collect();
    let hoppers: Vec<i64> = data
        .employees
        .iter()
        .filter(|e| e.name == quoted)
        .map(|e| e.id)
        .collect();
    let listed: Vec<i64> = data
        .employees
        .iter()
        .filter(|e| [1, 2, 5].contains(&e.id))
        .map(|e| e.id)
        .collect();
    assert!(!hoppers.is_empty() && !in_store_3.is_empty());
    for db in &dbs {
        let got = fetch_all!(
            db,
            query!(
                from Product select id
                where (discontinued or price < {cheap}) and name not in ({&excluded}, "product 4")
                order by id
            )
        )
        .unwrap();
        assert_eq!(
            got.iter().map(|r| r.id).collect::<Vec<_>>(),
            expected_products,
            "{}",
            name(db)
        );

        let got = fetch_all!(
            db,
            query!(from Product select id where store.name like {pattern} order by id)
        )
        .unwrap();
        assert_eq!(
            got.iter().map(|r| r.id).collect::<Vec<_>>(),
            in_store_3,
            "{}",
            name(db)
        );

        let got = fetch_all!(
            db,
            query!(from Employee select id where name = {quoted} order by id)
        )
        .unwrap();
        assert_eq!(
            got.iter().map(|r| r.id).collect::<Vec<_>>(),
            hoppers,
            "{}",
            name(db)
        );

        let got = fetch_all!(
            db,
            query!(from Employee select id where id in (1, 2, 5) and not (id = 3) order by id)
        )
        .unwrap();
        assert_eq!(
            got.iter().map(|r| r.id).collect::<Vec<_>>(),
            listed,
            "{}",
            name(db)
        );
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn nullable_relations_and_keyword_names() {
    let (dbs, data) = setup("keywords").await;
    let group = "it's";
    let mut expected: Vec<_> = data
        .orders
        .iter()
        .filter(|o| o.store_id.is_some() || o.group_name == group)
        .map(|o| {
            let store = o.store_id.map(|id| data.store(id).name.clone());
            (o.id, o.group_name.clone(), o.r#select, store)
        })
        .collect();
    expected.sort_by_key(|row| (-row.2, row.0));
    assert!(expected.iter().any(|row| row.3.is_none()));
    let totals: Vec<_> = data
        .stores
        .iter()
        .map(|s| {
            let orders: Vec<_> = data
                .orders
                .iter()
                .filter(|o| o.store_id == Some(s.id))
                .collect();
            (
                s.id,
                orders.iter().map(|o| i64::from(o.r#select)).sum::<i64>(),
                orders.iter().map(|o| o.group_name.clone()).min(),
            )
        })
        .collect();
    for db in &dbs {
        let rows = fetch_all!(
            db,
            query!(
                from Order
                select id, group_name, r#select, store.name as store_name
                where store_id is not null or group_name = {group}
                order by r#select desc, id
            )
        )
        .unwrap();
        let got: Vec<_> = rows
            .into_iter()
            .map(|r| (r.id, r.group_name, r.r#select, r.store_name))
            .collect();
        assert_eq!(got, expected, "{}", name(db));

        // A raw name is the keyword in the SQL, quoted.
        let q = query!(from Order select r#select as r#type order by r#type);
        let sql = q.sql::<sqlx::Postgres>();
        assert!(
            sql.contains(r#"AS "type""#) && sql.ends_with(r#"ORDER BY "type" ASC"#),
            "{sql}"
        );
        assert!(!sql.contains("r#"), "{sql}");
        let got: Vec<i32> = fetch_all!(db, q)
            .unwrap()
            .iter()
            .map(|r| r.r#type)
            .collect();
        let mut want: Vec<i32> = data.orders.iter().map(|o| o.r#select).collect();
        want.sort_unstable();
        assert_eq!(got, want, "{}", name(db));

        let rows = fetch_all!(
            db,
            query!(
                from Store
                select id, sum(orders.r#select) as total, min(orders.group_name) as first_group
                order by id
            )
        )
        .unwrap();
        let got: Vec<_> = rows
            .into_iter()
            .map(|r| (r.id, r.total, r.first_group))
            .collect();
        assert_eq!(got, totals, "{}", name(db));
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn nulls_sort_last_and_limit_offset_take_parameters() {
    let (dbs, data) = setup("order_limit").await;
    let mut expected: Vec<_> = data
        .employees
        .iter()
        .map(|e| {
            let manager = e.manager_id.map(|m| data.employee(m).name.clone());
            (manager, e.id)
        })
        .collect();
    // `None` last ascending, as PostgreSQL orders `NULL`.
    expected.sort_by(|a, b| (a.0.is_none(), &a.0, a.1).cmp(&(b.0.is_none(), &b.0, b.1)));
    let descending: Vec<_> = expected.iter().rev().map(|row| row.1).collect();
    let ascending: Vec<_> = expected.iter().map(|row| row.1).collect();
    let (limit, offset) = (3_i64, 2_i64);
    for db in &dbs {
        let rows = fetch_all!(
            db,
            query!(from Employee select id, manager.name as boss order by boss, id)
        )
        .unwrap();
        assert_eq!(
            rows.iter().map(|r| r.id).collect::<Vec<_>>(),
            ascending,
            "{}",
            name(db)
        );

        let rows = fetch_all!(
            db,
            query!(from Employee select id order by manager.name desc, id desc)
        )
        .unwrap();
        assert_eq!(
            rows.iter().map(|r| r.id).collect::<Vec<_>>(),
            descending,
            "{}",
            name(db)
        );

        let rows = fetch_all!(
            db,
            query!(from Employee select id order by id limit {limit} offset {offset})
        )
        .unwrap();
        assert_eq!(
            rows.iter().map(|r| r.id).collect::<Vec<_>>(),
            [3, 4, 5],
            "{}",
            name(db)
        );

        let rows = fetch_all!(db, query!(from Employee select id order by id offset 2)).unwrap();
        assert_eq!(rows.len(), data.employees.len() - 2, "{}", name(db));
        assert_eq!(rows[0].id, 3, "{}", name(db));
    }
    drop_databases(dbs).await;
}

#[derive(Debug, PartialEq)]
struct Summary {
    id: i64,
    products: i64,
    average: Option<f64>,
}

#[tokio::test]
async fn query_as_builds_a_user_type() {
    let (dbs, data) = setup("query_as").await;
    let expected: Vec<Summary> = data
        .stores
        .iter()
        .map(|s| {
            let prices: Vec<f64> = data
                .products
                .iter()
                .filter(|p| p.store_id == s.id)
                .map(|p| p.price)
                .collect();
            Summary {
                id: s.id,
                products: prices.len() as i64,
                average: avg(&prices),
            }
        })
        .collect();
    for db in &dbs {
        let rows: Vec<Summary> = fetch_all!(
            db,
            query_as!(Summary, from Store select id, count(products) as products, avg(products.price) as average order by id)
        )
        .unwrap();
        assert_eq!(rows.len(), expected.len(), "{}", name(db));
        for (row, want) in rows.iter().zip(&expected) {
            assert_eq!(
                (row.id, row.products),
                (want.id, want.products),
                "{}",
                name(db)
            );
            assert!(close(row.average, want.average), "{}", name(db));
        }
    }
    drop_databases(dbs).await;
}
