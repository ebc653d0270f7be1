// each alias names one set of rows.
fn main() {
    let _ = fanless::query!(
        from Store s
        join s.products s
        select s.id
    );
}
