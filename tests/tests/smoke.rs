use fanless::query;
use fanless_tests::*;

#[tokio::test]
async fn smoke() {
    let dbs = databases("smoke").await;
    let data = data::Data::generate();
    for db in &dbs {
        data.insert(db).await;
        let min_price = 10.0;
        let q = query!(
            from Store
            select id, name,
                   count(departments.employees) as total_employees,
                   count(products) as total_products,
                   count(products where price > {min_price}) as expensive,
                   avg(products.price) as avg_price,
                   sum(products.price) as total_price,
                   exists(products where discontinued) as has_discontinued
            where name != {"x"}
            order by total_products desc, id
            limit 20
        );
        println!("{}", q.sql::<sqlx::Postgres>());
        let rows = fetch_all!(db, q).unwrap();
        println!("{} {rows:?}", name(db));
        let stores = fetch_all!(db, query!(from Store order by id)).unwrap();
        assert_eq!(stores, data.stores);
    }
    drop_databases(dbs).await;
}
