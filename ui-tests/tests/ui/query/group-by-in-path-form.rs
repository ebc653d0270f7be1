// `group by` works on joined rows, in the join form.
fn main() {
    let _ = fanless::query!(
        from Store
        select id
        group by id
    );
}
