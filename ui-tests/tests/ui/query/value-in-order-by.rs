// `order by` takes no parameters or literals.
fn main() {
    let _ = fanless::query!(from Store order by {"name"});
}
