// a collection has no value to sort the rows by.
fn main() {
    let _ = fanless::query!(from Store select id, products { name } as products order by products);
}
