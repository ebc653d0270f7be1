// `select` lists columns and aggregates, not values.
fn main() {
    let _ = fanless::query!(from Store select id, {1_i64} as one);
}
