// `count(*)` makes one row of every row, which has no collection of its own.
fn main() {
    let _ = fanless::query!(from Store select count(*) as n, products { name } as products);
}
