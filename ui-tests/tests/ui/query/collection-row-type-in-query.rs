// the rows of `query!` are anonymous: a row type belongs in `query_as!`.
fn main() {
    let _ = fanless::query!(from Store select products { name } as products: ProductRow);
}
