// an aggregate in `select` names its field.
fn main() {
    let _ = fanless::query!(from Store select id, count(products));
}
