// aggregates are count, sum, avg, min, max and exists.
fn main() {
    let _ = fanless::query!(from Store select cnt(products) as n);
}
