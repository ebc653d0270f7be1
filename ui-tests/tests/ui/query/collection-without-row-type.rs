// `query_as!` needs the type each row of a collection is built as.
struct StoreRow {
    products: Vec<()>,
}

fn main() {
    let _ = fanless::query_as!(StoreRow, from Store select products { name } as products);
}
