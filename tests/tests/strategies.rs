//! Queries over unindexed foreign keys, which take the derived-table
//! strategies (whole table, or restricted to the selected keys), on each
//! database, compared with the answer computed in Rust.

use fanless::query;
use fanless_tests::data::Data;
use fanless_tests::unindexed::Store;
use fanless_tests::{avg, close, drop_databases, fetch_all, name, setup};

/// `(id, name, products, on sale, expensive, employees, average salary)`
/// per store.
type Expected = (i64, String, i64, f64, i64, i64, Option<f64>);

fn expected(data: &Data, price: f64) -> Vec<Expected> {
    data.stores
        .iter()
        .map(|s| {
            let products: Vec<_> = data
                .products
                .iter()
                .filter(|p| p.store_id == s.id)
                .collect();
            let salaries: Vec<f64> = data
                .employees_of_store(s.id)
                .iter()
                .map(|e| e.salary as f64)
                .collect();
            (
                s.id,
                s.name.clone(),
                products.len() as i64,
                products
                    .iter()
                    .filter(|p| !p.discontinued)
                    .map(|p| p.price)
                    .sum(),
                products.iter().filter(|p| p.price > price).count() as i64,
                salaries.len() as i64,
                avg(&salaries),
            )
        })
        .collect()
}

#[tokio::test]
async fn whole_table_and_selected_keys_agree_with_rust() {
    let (dbs, data) = setup("strategies").await;
    let price = 30.0;
    let all = expected(&data, price);
    let excluded = "store 2";
    let mut by_name: Vec<&Expected> = all.iter().filter(|row| row.1 != excluded).collect();
    by_name.sort_by(|a, b| a.1.cmp(&b.1));
    let page: Vec<&Expected> = by_name.iter().skip(1).take(2).copied().collect();
    let mut by_products: Vec<&Expected> = all.iter().collect();
    by_products.sort_by_key(|row| (-row.2, row.0));
    by_products.truncate(3);
    let key = all[2].0;
    for db in &dbs {
        // The whole table: one derived table per path.
        let rows = fetch_all!(
            db,
            query!(
                from Store
                select id, name, count(products) as products,
                       sum(products.price where not discontinued) as on_sale,
                       count(products where price > {price}) as expensive,
                       count(departments.employees) as employees,
                       avg(departments.employees.salary) as salary
                order by id
            )
        )
        .unwrap();
        assert_eq!(rows.len(), all.len(), "{}", name(db));
        for (row, want) in rows.iter().zip(&all) {
            let got = (
                row.id,
                row.name.clone(),
                row.products,
                row.expensive,
                row.employees,
            );
            assert_eq!(
                got,
                (want.0, want.1.clone(), want.2, want.4, want.5),
                "{}",
                name(db)
            );
            assert!(
                close(Some(row.on_sale), Some(want.3)) && close(row.salary, want.6),
                "{}",
                name(db)
            );
        }

        // A page: the selected keys first, then their related rows only.
        let rows = fetch_all!(
            db,
            query!(
                from Store
                select id, name as title, count(products where price > {price}) as expensive,
                       avg(departments.employees.salary) as salary
                where name != {excluded}
                order by title
                limit {2_i64} offset {1_i64}
            )
        )
        .unwrap();
        let got: Vec<(i64, i64)> = rows.iter().map(|r| (r.id, r.expensive)).collect();
        let want: Vec<(i64, i64)> = page.iter().map(|row| (row.0, row.4)).collect();
        assert_eq!(got, want, "{}", name(db));
        for (row, want) in rows.iter().zip(&page) {
            assert!(close(row.salary, want.6), "{}", name(db));
        }

        // Ordered by an aggregate: every store's count decides the page.
        let rows = fetch_all!(
            db,
            query!(from Store select id, count(products) as products order by products desc, id limit 3)
        )
        .unwrap();
        let got: Vec<(i64, i64)> = rows.iter().map(|r| (r.id, r.products)).collect();
        let want: Vec<(i64, i64)> = by_products.iter().map(|row| (row.0, row.2)).collect();
        assert_eq!(got, want, "{}", name(db));

        // One store by key.
        let rows = fetch_all!(
            db,
            query!(from Store select id, count(departments.employees) as employees where id = {key})
        )
        .unwrap();
        assert_eq!(
            rows.iter().map(|r| (r.id, r.employees)).collect::<Vec<_>>(),
            [(key, all[2].5)],
            "{}",
            name(db)
        );
    }
    drop_databases(dbs).await;
}
