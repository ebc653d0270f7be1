// collections are selected in the path form.
fn main() {
    let _ = fanless::query!(from Store s join s.products p select s.id, s.departments { name } as departments);
}
