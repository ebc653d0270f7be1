// `sum` reads a column through a relation.
fn main() {
    let _ = fanless::query!(from Product select sum(price) as total);
}
