// the braces hold items, then `where`, `order by`, `limit` and `offset`.
fn main() {
    let _ = fanless::query!(from Store select products { name order by name where price > 1.0 } as products);
}
