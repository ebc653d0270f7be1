// a query starts with `from Model`.
fn main() {
    let _ = fanless::query!(select id);
}
