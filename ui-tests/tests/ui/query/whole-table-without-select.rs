// Without `select` the rows are models, one per row: an aggregate of all of
// them has no row to stand in.
fn main() {
    let _ = fanless::query!(from Product order by count(*));
}
