// in a query with aliases, paths start with one.
fn main() {
    let _ = fanless::query!(
        from Store s
        select name
    );
}
