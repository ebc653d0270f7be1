//! The explicit join form: every shape the fan-out rules allow, run on each
//! database and compared with the answer computed in Rust from the rows.

use std::collections::BTreeMap;

use fanless::query;
use fanless_tests::{
    close, drop_databases, fetch_all, name, setup, Db, Department, Employee, Store,
};

#[tokio::test]
async fn one_to_many_join_grouped_with_every_aggregate() {
    let (dbs, data) = setup("join_grouped").await;
    // Inner join: departments without employees have no rows.
    let expected: Vec<_> = data
        .departments
        .iter()
        .filter_map(|d| {
            let employees = data.employees_of_department(d.id);
            let salaries: Vec<i64> = employees.iter().map(|e| e.salary).collect();
            (!employees.is_empty()).then(|| {
                (
                    d.id,
                    d.name.clone(),
                    employees.len() as i64,
                    salaries.iter().sum::<i64>(),
                    salaries.iter().sum::<i64>() as f64 / salaries.len() as f64,
                    employees.iter().map(|e| e.name.clone()).min(),
                    salaries.iter().max().copied(),
                )
            })
        })
        .collect();
    assert!(expected.len() < data.departments.len());
    for db in &dbs {
        let rows = fetch_all!(
            db,
            query!(
                from Department d
                join d.employees e
                select d.id, d.name, count(e.id) as employees, sum(e.salary) as payroll,
                       avg(e.salary) as average, min(e.name) as first, max(e.salary) as top
                group by d.id, d.name
                order by d.id
            )
        )
        .unwrap();
        assert_eq!(rows.len(), expected.len(), "{}", name(db));
        for (row, want) in rows.iter().zip(&expected) {
            let got = (
                row.id,
                row.name.clone(),
                row.employees,
                row.payroll,
                row.first.clone(),
                row.top,
            );
            assert_eq!(
                got,
                (
                    want.0,
                    want.1.clone(),
                    want.2,
                    want.3,
                    want.5.clone(),
                    want.6
                ),
                "{}",
                name(db)
            );
            assert!(close(row.average, Some(want.4)), "{}: {row:?}", name(db));
        }
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn left_join_keeps_empty_groups_and_having_filters_them() {
    let (dbs, data) = setup("join_left").await;
    let expected: Vec<(i64, i64, i64, bool)> = data
        .departments
        .iter()
        .map(|d| {
            let employees = data.employees_of_department(d.id);
            (
                d.id,
                employees.len() as i64,
                employees.iter().map(|e| e.salary).sum(),
                !employees.is_empty(),
            )
        })
        .collect();
    assert!(expected.iter().any(|row| row.1 == 0));
    let floor = 3_i64;
    let crowded: Vec<i64> = expected
        .iter()
        .filter(|row| row.1 >= floor)
        .map(|row| row.0)
        .collect();
    assert!(!crowded.is_empty() && crowded.len() < expected.len());
    for db in &dbs {
        let rows = fetch_all!(
            db,
            query!(
                from Department d
                left join d.employees e
                select d.id, count(e) as employees, sum(e.salary) as payroll, exists(e) as staffed
                group by d.id
                order by d.id
            )
        )
        .unwrap();
        let got: Vec<_> = rows
            .iter()
            .map(|r| (r.id, r.employees, r.payroll, r.staffed))
            .collect();
        assert_eq!(got, expected, "{}", name(db));

        let rows = fetch_all!(
            db,
            query!(
                from Department d
                left join d.employees e
                select d.id
                group by d.id
                having count(e.id) >= {floor}
                order by d.id
            )
        )
        .unwrap();
        assert_eq!(
            rows.iter().map(|r| r.id).collect::<Vec<_>>(),
            crowded,
            "{}",
            name(db)
        );
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn one_chain_from_the_root_with_distinct_above_it() {
    let (dbs, data) = setup("join_chain").await;
    let mut per_store: BTreeMap<i64, (i64, Vec<i64>)> = BTreeMap::new();
    for e in &data.employees {
        let d = data.department(e.department_id);
        let entry = per_store.entry(d.store_id).or_default();
        entry.0 += 1;
        if !entry.1.contains(&d.id) {
            entry.1.push(d.id);
        }
    }
    let expected: Vec<(i64, i64, i64)> = per_store
        .into_iter()
        .map(|(store, (employees, departments))| (store, employees, departments.len() as i64))
        .collect();
    for db in &dbs {
        let rows = fetch_all!(
            db,
            query!(
                from Store s
                join s.departments d
                join d.employees e
                select s.id, count(e.id) as employees, count(distinct d.id) as departments
                group by s.id
                order by employees desc, s.id
            )
        )
        .unwrap();
        let mut want = expected.clone();
        want.sort_by_key(|row| (-row.1, row.0));
        let got: Vec<_> = rows
            .iter()
            .map(|r| (r.id, r.employees, r.departments))
            .collect();
        assert_eq!(got, want, "{}", name(db));
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn to_one_joins_beside_a_to_many_chain_and_nullable_left_joins() {
    let (dbs, data) = setup("join_to_one").await;
    let expected: Vec<_> = data
        .employees
        .iter()
        .map(|e| {
            let department = data.department(e.department_id);
            let store = data.store(department.store_id);
            let reports = data
                .employees
                .iter()
                .filter(|r| r.manager_id == Some(e.id))
                .count() as i64;
            (
                e.id,
                department.name.clone(),
                store.name.clone(),
                e.manager_id.map(|m| data.employee(m).name.clone()),
                reports,
            )
        })
        .collect();
    assert!(expected.iter().any(|row| row.3.is_none()) && expected.iter().any(|row| row.4 > 0));
    for db in &dbs {
        let rows = fetch_all!(
            db,
            query!(
                from Employee e
                join e.department d
                join e.department.store s
                left join e.manager m
                left join e.reports r
                select e.id, d.name as department, s.name as store, m.name as manager, count(r.id) as reports
                group by e.id, d.name, s.name, m.name
                order by e.id
            )
        )
        .unwrap();
        let got: Vec<_> = rows
            .into_iter()
            .map(|r| (r.id, r.department, r.store, r.manager, r.reports))
            .collect();
        assert_eq!(got, expected, "{}", name(db));
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn plain_rows_over_one_chain_with_parameters() {
    let (dbs, data) = setup("join_rows").await;
    let floor = 45_000_i64;
    let pattern = "dept%";
    let mut expected: Vec<(String, i64, String)> = data
        .employees
        .iter()
        .filter(|e| e.salary > floor)
        .map(|e| {
            let d = data.department(e.department_id);
            (d.name.clone(), e.id, e.name.clone())
        })
        .collect();
    expected.sort();
    assert!(!expected.is_empty());
    for db in &dbs {
        let rows = fetch_all!(
            db,
            query!(
                from Department d
                join d.employees e
                select d.name as department, e.id, e.name
                where e.salary > {floor} and d.name like {pattern}
                order by department, e.id
            )
        )
        .unwrap();
        let got: Vec<_> = rows
            .into_iter()
            .map(|r| (r.department, r.id, r.name))
            .collect();
        assert_eq!(got, expected, "{}", name(db));
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn the_suggested_path_form_returns_what_the_trap_computes() {
    let (dbs, _) = setup("join_trap_fix").await;
    // The trap, as an ORM writes it (and as `query!` refuses it).
    let trap = "SELECT s.id, COUNT(DISTINCT p.id), COUNT(DISTINCT e.id) FROM shop_store s \
        LEFT JOIN shop_product p ON p.store_id = s.id \
        LEFT JOIN shop_department d ON d.store_id = s.id \
        LEFT JOIN shop_employee e ON e.department_id = d.id \
        GROUP BY s.id ORDER BY s.id";
    for db in &dbs {
        let trapped: Vec<(i64, i64, i64)> = match db {
            Db::Sqlite(pool) => sqlx::query_as(trap).fetch_all(pool).await,
            Db::Postgres(pool, _) => sqlx::query_as(trap).fetch_all(pool).await,
            Db::MySql(pool, _) => sqlx::query_as(trap).fetch_all(pool).await,
        }
        .unwrap();
        // The fix the fan-trap error gives for that query.
        let fixed = fetch_all!(
            db,
            query!(
                from Store
                select id, count(distinct products.id) as products,
                       count(distinct departments.employees.id) as employees
                order by id
            )
        )
        .unwrap();
        let fixed: Vec<_> = fixed
            .iter()
            .map(|r| (r.id, r.products, r.employees))
            .collect();
        assert_eq!(fixed, trapped, "{}", name(db));
    }
    drop_databases(dbs).await;
}
