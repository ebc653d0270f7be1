// `in {list}` tests a column or an aggregate, whose type the list's
// elements take.
fn main() {
    let ids = vec![1_i64, 2];
    let _ = fanless::query!(from Store where {3_i64} in {ids});
}
