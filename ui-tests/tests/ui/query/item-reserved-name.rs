// the columns fanless adds to a statement begin with `fanless_`; an item
// may not, at any level.
fn main() {
    let _ = fanless::query!(
        from Store
        select id, departments { name as fanless_key, id as fanless_ } as departments
    );
}
