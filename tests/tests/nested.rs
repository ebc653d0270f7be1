//! Collections through `query!` and `query_as!` on every database, each
//! level's rows checked against the inserted rows.

use fanless::{query, query_as};
use fanless_tests::data::Data;
use fanless_tests::{databases, drop_databases, fetch_all, name, setup, Store};

#[tokio::test]
async fn each_store_lists_its_newest_products_and_its_departments_with_staff() {
    let (dbs, data) = setup("nested_stores").await;
    for db in &dbs {
        let q = query!(
            from Store
            select id, name,
                products { id, name, price where not discontinued order by price desc limit 3 } as top,
                departments { id, name, count(employees) as staff, employees { id, salary order by salary desc } as people order by name } as departments
            order by id
        );
        let stores = fetch_all!(db, q).unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        assert_eq!(stores.len(), data.stores.len(), "{}", name(db));
        for store in &stores {
            let mut products: Vec<_> = data
                .products
                .iter()
                .filter(|p| p.store_id == store.id && !p.discontinued)
                .collect();
            products.sort_by(|a, b| b.price.total_cmp(&a.price).then(a.id.cmp(&b.id)));
            let want: Vec<i64> = products.iter().take(3).map(|p| p.id).collect();
            let got: Vec<i64> = store.top.iter().map(|p| p.id).collect();
            assert_eq!(got, want, "{} store {}", name(db), store.id);

            let mut departments: Vec<_> = data
                .departments
                .iter()
                .filter(|d| d.store_id == store.id)
                .collect();
            departments.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
            let got: Vec<i64> = store.departments.iter().map(|d| d.id).collect();
            let want: Vec<i64> = departments.iter().map(|d| d.id).collect();
            assert_eq!(got, want, "{} store {}", name(db), store.id);
            for department in &store.departments {
                let staff = data.employees_of_department(department.id);
                assert_eq!(department.staff, staff.len() as i64, "{}", name(db));
                let mut salaries: Vec<(i64, i64)> =
                    staff.iter().map(|e| (e.salary, e.id)).collect();
                salaries.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                let got: Vec<(i64, i64)> =
                    department.people.iter().map(|e| (e.salary, e.id)).collect();
                assert_eq!(got, salaries, "{}", name(db));
            }
        }
    }
    drop_databases(dbs).await;
}

#[derive(Debug)]
struct StoreRow {
    name: String,
    products: Vec<ProductRow>,
}

#[derive(Debug)]
struct ProductRow {
    name: String,
}

#[derive(Debug)]
struct ShopRow {
    departments: Vec<DepartmentRow>,
}

#[derive(Debug)]
struct DepartmentRow {
    id: i64,
    staff: Vec<PersonRow>,
}

#[derive(Debug)]
struct PersonRow {
    id: i64,
    department_id: i64,
}

#[tokio::test]
async fn query_as_builds_the_rows_of_collections_as_named_types() {
    let (dbs, data) = setup("nested_query_as").await;
    for db in &dbs {
        let q = query_as!(
            StoreRow,
            from Store
            select name, products { name order by name } as products: ProductRow
            where id = {1_i64}
        );
        let stores = fetch_all!(db, q).unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        let mut want: Vec<&str> = data
            .products
            .iter()
            .filter(|p| p.store_id == 1)
            .map(|p| p.name.as_str())
            .collect();
        want.sort_unstable();
        let got: Vec<&str> = stores[0].products.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(got, want, "{}", name(db));
        assert_eq!(stores[0].name, data.store(1).name);

        // Two levels, each built as its own type.
        let shops = fetch_all!(
            db,
            query_as!(
                ShopRow,
                from Store
                select departments {
                    id,
                    employees { id, department_id } as staff: PersonRow
                } as departments: DepartmentRow
            )
        )
        .unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        let departments: Vec<&DepartmentRow> = shops.iter().flat_map(|s| &s.departments).collect();
        assert_eq!(departments.len(), data.departments.len(), "{}", name(db));
        for department in departments {
            let staff = data.employees_of_department(department.id);
            assert_eq!(department.staff.len(), staff.len(), "{}", name(db));
            assert!(department
                .staff
                .iter()
                .all(|p| p.department_id == department.id && p.id > 0));
        }
    }
    drop_databases(dbs).await;
}

/// A row type generic over its fields' types.
mod generic {
    #[derive(Debug, Clone, PartialEq)]
    pub struct Named<K, T> {
        pub id: K,
        pub name: T,
    }
}

#[tokio::test]
async fn query_as_builds_generic_row_types() {
    let (dbs, data) = setup("nested_generic").await;
    for db in &dbs {
        let rows = fetch_all!(
            db,
            query_as!(generic::Named<i64, String>, from Store select id, name order by id)
        )
        .unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        let want: Vec<generic::Named<i64, String>> = data
            .stores
            .iter()
            .map(|s| generic::Named {
                id: s.id,
                name: s.name.clone(),
            })
            .collect();
        assert_eq!(rows, want, "{}", name(db));

        let stores = fetch_all!(
            db,
            query_as!(
                generic::Named<String, Vec<generic::Named<i64, String>>>,
                from Store
                select name as id, products { id, name order by id } as name: generic::Named<i64, String>
                where id = {1_i64}
            )
        )
        .unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        let want: Vec<(i64, String)> = data
            .products
            .iter()
            .filter(|p| p.store_id == 1)
            .map(|p| (p.id, p.name.clone()))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let got: Vec<(i64, String)> = stores[0]
            .name
            .iter()
            .map(|p| (p.id, p.name.clone()))
            .collect();
        assert_eq!(got, want, "{}", name(db));
        assert_eq!(stores[0].id, data.store(1).name, "{}", name(db));
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn parameters_of_every_level_bind_in_one_snapshot_inside_a_transaction_too() {
    let (dbs, data) = setup("nested_params").await;
    let (min_salary, cheap, absent) = (50_000_i64, 20.0_f64, None::<String>);
    for db in &dbs {
        // Parameters before, inside and after the collections; an optional
        // filter left out; a two-hop path; stores without a match.
        let q = query!(
            from Store
            select id,
                departments.employees { id where salary >= {min_salary} and name = {?absent.clone()} order by id } as staff,
                products { id where price < {cheap} order by id limit {2_u32} offset {1_u32} } as cheap
            where id != {0_i64}
            order by id
        );
        let stores = match db {
            fanless_tests::Db::Sqlite(pool) => {
                let mut tx = pool.begin().await.expect("begin");
                let rows = q.fetch_all(&mut *tx).await;
                tx.commit().await.expect("commit");
                rows
            }
            fanless_tests::Db::Postgres(pool, _) => q.fetch_all(pool).await,
            fanless_tests::Db::MySql(pool, _) => q.fetch_all(pool).await,
        }
        .unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        for store in &stores {
            let want: Vec<i64> = data
                .employees_of_store(store.id)
                .iter()
                .filter(|e| e.salary >= min_salary)
                .map(|e| e.id)
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let got: Vec<i64> = store.staff.iter().map(|e| e.id).collect();
            assert_eq!(got, want, "{} store {}", name(db), store.id);
            let mut cheap_ids: Vec<i64> = data
                .products
                .iter()
                .filter(|p| p.store_id == store.id && p.price < cheap)
                .map(|p| p.id)
                .collect();
            cheap_ids.sort_unstable();
            let want: Vec<i64> = cheap_ids.into_iter().skip(1).take(2).collect();
            let got: Vec<i64> = store.cheap.iter().map(|p| p.id).collect();
            assert_eq!(got, want, "{} store {}", name(db), store.id);
        }
        assert_eq!(stores.len(), data.stores.len());
    }
    drop_databases(dbs).await;
}

/// The keys of rows decoded from a collection.
fn ids<R>(rows: &[R], id: impl Fn(&R) -> i64) -> Vec<i64> {
    rows.iter().map(id).collect()
}

#[tokio::test]
async fn collections_over_many_to_many_and_through_paths_hold_what_count_counts() {
    use fanless_tests::library::{self, Book, Publisher};
    for seed in [4, 9] {
        let (dbs, _) = library::setup(&format!("nested_library_{seed}"), seed).await;
        for db in &dbs {
            // A `has_many` through a path (each author once per book), a
            // `many_to_many` below a `has_many`, a to-one hop before a
            // to-many one (the parent's table joined), and a nullable sort
            // key: each collection is as long as `count` of its path.
            let publishers = fetch_all!(
                db,
                query!(
                    from Publisher
                    select id, count(authors) as n_authors, count(books) as n_books,
                        authors { id order by id } as authors,
                        books { id, rating, count(authors) as n, authors { id } as authors
                                order by rating desc } as books
                    order by id
                )
            )
            .unwrap_or_else(|e| panic!("{}: {e}", name(db)));
            for publisher in &publishers {
                assert_eq!(
                    publisher.authors.len() as i64,
                    publisher.n_authors,
                    "{}",
                    name(db)
                );
                assert_eq!(
                    publisher.books.len() as i64,
                    publisher.n_books,
                    "{}",
                    name(db)
                );
                let authors = ids(&publisher.authors, |a| a.id);
                assert!(authors.windows(2).all(|w| w[0] <= w[1]), "{}", name(db));
                let mut nested: Vec<i64> = publisher
                    .books
                    .iter()
                    .flat_map(|b| ids(&b.authors, |a| a.id))
                    .collect();
                nested.sort_unstable();
                assert_eq!(nested, authors, "{}", name(db));
                for book in &publisher.books {
                    assert_eq!(book.authors.len() as i64, book.n, "{}", name(db));
                }
                // `desc`: `NULL` first, then larger ratings; the key breaks
                // ties.
                let keys: Vec<(Option<f64>, i64)> =
                    publisher.books.iter().map(|b| (b.rating, b.id)).collect();
                let in_order = keys.windows(2).all(|w| match (w[0].0, w[1].0) {
                    (None, None) => w[0].1 < w[1].1,
                    (None, Some(_)) => true,
                    (Some(_), None) => false,
                    (Some(a), Some(b)) => a > b || (a == b && w[0].1 < w[1].1),
                });
                assert!(in_order, "{} {keys:?}", name(db));
            }
            // The shelf of each book: the books of its publisher, through
            // a to-one hop, so the statement joins the parent's table.
            let books = fetch_all!(
                db,
                query!(from Book select id, publisher_id, shelf { id, publisher_id } as shelf)
            )
            .unwrap_or_else(|e| panic!("{}: {e}", name(db)));
            for book in &books {
                let same: Vec<i64> = books
                    .iter()
                    .filter(|other| other.publisher_id == book.publisher_id)
                    .map(|other| other.id)
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                assert_eq!(ids(&book.shelf, |b| b.id), same, "{}", name(db));
            }
        }
        drop_databases(dbs).await;
    }
}

#[tokio::test]
async fn forty_thousand_parents_bind_their_keys_past_the_placeholder_limit() {
    // SQLite binds at most 32,766 placeholders: the keys go as one JSON
    // array there, as placeholders on MySQL, and as one array on
    // PostgreSQL.
    const STORES: i64 = 40_000;
    let dbs = databases("nested_many_parents").await;
    for db in &dbs {
        for start in (1..=STORES).step_by(2_000) {
            let ids = start..start + 2_000;
            let stores: Vec<String> = ids.clone().map(|id| format!("({id}, 's{id}')")).collect();
            let sql = format!(
                "INSERT INTO shop_store (id, name) VALUES {}",
                stores.join(", ")
            );
            fanless_tests::execute(db, &sql).await;
            // Odd stores have one product, whose key is twice theirs.
            let products: Vec<String> = ids
                .filter(|id| id % 2 == 1)
                .map(|id| format!("({}, {id}, 'p', 1.0, FALSE)", id * 2))
                .collect();
            let sql = format!(
                "INSERT INTO shop_product (id, store_id, name, price, discontinued) VALUES {}",
                products.join(", ")
            );
            fanless_tests::execute(db, &sql).await;
        }
        let stores = fetch_all!(
            db,
            query!(from Store select id, products { id } as products)
        )
        .unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        assert_eq!(stores.len() as i64, STORES, "{}", name(db));
        for store in &stores {
            let want: Vec<i64> = match store.id % 2 {
                1 => vec![store.id * 2],
                _ => Vec::new(),
            };
            assert_eq!(ids(&store.products, |p| p.id), want, "{}", name(db));
        }
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn inside_a_transaction_the_statements_read_its_rows() {
    let dbs = databases("nested_in_transaction").await;
    for db in &dbs {
        fanless_tests::execute(db, "INSERT INTO shop_store (id, name) VALUES (1, 'main')").await;
        let insert = "INSERT INTO shop_product (id, store_id, name, price, discontinued) \
                      VALUES (1, 1, 'new', 2.0, FALSE)";
        let q = || query!(from Store select id, products { name } as products);
        // Rows the transaction wrote are seen by every statement of the
        // query run in it, and by none run beside it once rolled back.
        macro_rules! check {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await.expect("begin");
                sqlx::query(insert).execute(&mut *tx).await.expect("insert");
                let inside = q().fetch_all(&mut *tx).await.expect("inside");
                tx.rollback().await.expect("rollback");
                let outside = q().fetch_all($pool).await.expect("outside");
                (inside, outside)
            }};
        }
        let (inside, outside) = match db {
            fanless_tests::Db::Sqlite(pool) => {
                let (a, b) = check!(pool);
                (a[0].products.len(), b[0].products.len())
            }
            fanless_tests::Db::Postgres(pool, _) => {
                let (a, b) = check!(pool);
                (a[0].products.len(), b[0].products.len())
            }
            fanless_tests::Db::MySql(pool, _) => {
                let (a, b) = check!(pool);
                (a[0].products.len(), b[0].products.len())
            }
        };
        assert_eq!((inside, outside), (1, 0), "{}", name(db));
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn rows_of_collections_alone_select_their_keys_only() {
    let (dbs, data) = setup("nested_alone").await;
    for db in &dbs {
        // The root selects no item, and neither do the departments.
        let stores = fetch_all!(
            db,
            query!(
                from Store
                select departments { employees { id order by id } as staff order by id } as departments
                order by id
            )
        )
        .unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        let mut want: Vec<Vec<Vec<i64>>> = Vec::new();
        let mut stores_by_id: Vec<i64> = data.stores.iter().map(|s| s.id).collect();
        stores_by_id.sort_unstable();
        for store in stores_by_id {
            let mut departments: Vec<i64> = data
                .departments
                .iter()
                .filter(|d| d.store_id == store)
                .map(|d| d.id)
                .collect();
            departments.sort_unstable();
            want.push(
                departments
                    .iter()
                    .map(|&d| {
                        let mut staff = ids(&data.employees_of_department(d), |e| e.id);
                        staff.sort_unstable();
                        staff
                    })
                    .collect(),
            );
        }
        let got: Vec<Vec<Vec<i64>>> = stores
            .iter()
            .map(|s| {
                s.departments
                    .iter()
                    .map(|d| ids(&d.staff, |e| e.id))
                    .collect()
            })
            .collect();
        assert_eq!(got, want, "{}", name(db));
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn text_of_every_kind_and_integers_at_their_limits_come_back_as_written() {
    let dbs = databases("nested_text").await;
    let mut data = Data::generate();
    // What JSON escapes, what it passes as it is, and what it must not
    // split: quotes, backslashes, control characters, accents, a
    // character outside the basic plane, JSON's own syntax.
    let names = [
        "a \"quoted\" name",
        "back\\slash \\u0041 \\n",
        "line\nfeed\ttab\r\u{1}\u{1f}",
        "é ü ß 漢字 😀 \u{2028}",
        "[1,\"x\"]",
        "",
    ];
    for (department, name) in data.departments.iter_mut().zip(names) {
        department.name = name.to_owned();
    }
    data.employees[0].salary = i64::MAX;
    data.employees[1].salary = i64::MIN;
    for db in &dbs {
        data.insert(db).await;
    }
    // A constant of a field's name beside the query changes nothing.
    #[allow(non_upper_case_globals, dead_code)]
    const id: i64 = -1;
    for db in &dbs {
        let stores = fetch_all!(
            db,
            query!(
                from Store
                select id, departments { id, name, employees { id, salary } as staff } as departments
            )
        )
        .unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        for department in stores.iter().flat_map(|s| &s.departments) {
            let want = data.departments.iter().find(|d| d.id == department.id);
            assert_eq!(
                Some(&department.name),
                want.map(|d| &d.name),
                "{}",
                name(db)
            );
            for employee in &department.staff {
                let want = data.employees.iter().find(|e| e.id == employee.id);
                assert_eq!(
                    Some(employee.salary),
                    want.map(|e| e.salary),
                    "{}",
                    name(db)
                );
            }
        }
        let departments: usize = stores.iter().map(|s| s.departments.len()).sum();
        assert_eq!(departments, data.departments.len(), "{}", name(db));
        let staff: usize = stores
            .iter()
            .flat_map(|s| &s.departments)
            .map(|d| d.staff.len())
            .sum();
        assert_eq!(staff, data.employees.len(), "{}", name(db));
    }
    drop_databases(dbs).await;
}

/// Runs `$method` of a query on whichever database `$db` is.
macro_rules! fetch_with {
    ($db:expr, $query:expr, $method:ident) => {{
        let query = $query;
        match $db {
            fanless_tests::Db::Sqlite(pool) => query.$method(pool).await,
            fanless_tests::Db::Postgres(pool, _) => query.$method(pool).await,
            fanless_tests::Db::MySql(pool, _) => query.$method(pool).await,
        }
    }};
}

#[tokio::test]
async fn one_row_comes_with_its_collections_or_none_at_all() {
    let (dbs, data) = setup("nested_one").await;
    let store = data.stores[0].id;
    let mut want: Vec<i64> = data
        .departments
        .iter()
        .filter(|d| d.store_id == store)
        .map(|d| d.id)
        .collect();
    want.sort_unstable();
    for db in &dbs {
        let q = || {
            query!(
                from Store
                select id, departments { id order by id } as departments
                where id = {store}
            )
        };
        let one = fetch_with!(db, q(), fetch_one).unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        assert_eq!(
            (one.id, ids(&one.departments, |d| d.id)),
            (store, want.clone()),
            "{}",
            name(db)
        );
        let optional =
            fetch_with!(db, q(), fetch_optional).unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        assert_eq!(optional.map(|s| s.id), Some(store), "{}", name(db));

        let none = || {
            query!(
                from Store
                select id, departments { id } as departments
                where id = {-1_i64}
            )
        };
        let optional =
            fetch_with!(db, none(), fetch_optional).unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        assert!(optional.is_none(), "{}", name(db));
        let one = fetch_with!(db, none(), fetch_one);
        assert!(
            matches!(one, Err(sqlx::Error::RowNotFound)),
            "{}: {one:?}",
            name(db)
        );
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn floats_of_a_collection_come_back_to_the_last_bit() {
    let dbs = databases("nested_floats").await;
    let mut data = Data::generate();
    // What 15 digits would round: SQLite carries them as 17.
    let prices = [
        0.1 + 0.2,
        1.0 / 3.0,
        1e300,
        -2.5e-300,
        123_456_789.123_456_79,
        f64::EPSILON,
        f64::MIN_POSITIVE,
        -f64::MAX,
    ];
    for (product, price) in data.products.iter_mut().zip(prices) {
        product.price = price;
    }
    for db in &dbs {
        data.insert(db).await;
    }
    for db in &dbs {
        let stores = fetch_all!(
            db,
            query!(from Store select id, products { id, price } as products)
        )
        .unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        let mut seen = 0;
        for product in stores.iter().flat_map(|s| &s.products) {
            let want = data.products.iter().find(|p| p.id == product.id);
            let bits = want.map(|p| p.price.to_bits());
            assert_eq!(
                Some(product.price.to_bits()),
                bits,
                "{} {}",
                name(db),
                product.price
            );
            seen += 1;
        }
        assert_eq!(seen, data.products.len(), "{}", name(db));
    }
    drop_databases(dbs).await;
}
